# The smallest image: one service, written as on NixOS.
#   nix-build -A dockerImages.example && docker load < result && docker run --rm nci-example
{ ... }:
{
  config = {
    image.name = "nci-example";
    systemd.services.example = {
      description = "Says hello, then keeps running";
      # As on NixOS, a service starts at boot when something wants it.
      wantedBy = [ "multi-user.target" ];
      script = ''
        echo "hello from nci"
        exec sleep infinity
      '';
    };
  };
}
