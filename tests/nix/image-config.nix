# The OCI config of an image: nci-init on the tree, then the options.
let
  nci = import ../../nixos-module/lib.nix;
  init = "/nix/store/00000000000000000000000000000000-nci/bin/nci-init";
  tree = "/nix/store/00000000000000000000000000000000-web-nci-tree";
in
{
  # Service mode: no Cmd, so nothing is appended to the entrypoint.
  services = nci.imageConfig { inherit init tree; };

  # Command mode, environment, ports (a bare number is TCP), extra fields.
  command = nci.imageConfig {
    inherit init tree;
    initOptions = [
      "--on-failure"
      "continue"
    ];
    cmd = [
      "/bin/sh"
      "-c"
      "echo done"
    ];
    env = {
      LANG = "C.UTF-8";
      A = "1";
    };
    exposedPorts = [
      "8080"
      "53/udp"
    ];
    extraConfig.WorkingDir = "/var/lib/web";
  };
}
