# The shell commands that make /etc (environment.etc) and the tmpfiles
# directories in the image's root, run under fakeroot at build time.
let
  nci = import ../../nixos-module/lib.nix;
  ids = {
    root = 0;
    nginx = 60;
  };
in
{
  etc = nci.etcCommands [
    # A copy: the mode and owner are the file's own.
    {
      target = "shadow";
      source = "/nix/store/00000000000000000000000000000000-etc-shadow";
      mode = "0600";
      uid = 0;
      gid = 0;
    }
    # The default: a link into the store.
    {
      target = "nginx/nginx.conf";
      source = "/nix/store/00000000000000000000000000000000-nginx.conf";
      mode = "symlink";
      uid = 0;
      gid = 0;
    }
    # Quotes in a name survive the shell.
    {
      target = "it's.conf";
      source = "/nix/store/00000000000000000000000000000000-its.conf";
      mode = "0440";
      uid = 60;
      gid = 60;
    }
  ];

  # Escaping /etc is refused (tryEval sees the throw).
  escapes = map (target: (builtins.tryEval (nci.etcCommands [
    {
      inherit target;
      source = "/x";
      mode = "symlink";
      uid = 0;
      gid = 0;
    }
  ])).success) [
    "../passwd"
    "/passwd"
    "a/../../passwd"
    ""
    "a..b/ok"
  ];

  tmpfiles = nci.tmpfilesCommands {
    rules = [
      "d /var/lib/nginx 0750 nginx nginx -"
      "D /var/cache/app - - - 10d"
      "# a comment"
      ""
      "X /tmp/systemd-private-%b-nginx.service-*/tmp/nginx_*"
      "L+ /etc/localtime - - - - /usr/share/zoneinfo/UTC"
      "d /run/app-%i 0700 root root -"
    ];
    uidOf = name: ids.${name};
    gidOf = name: ids.${name};
  };
}
