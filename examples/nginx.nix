# A stock NixOS service module, unchanged: services.nginx serving one page.
#   nix-build -A dockerImages.nginx && docker load < result
#   docker run --rm -p 8080:8080 nci-nginx && curl http://localhost:8080/
{ modulesPath, pkgs, ... }:
{
  # nci's module set is small; stock NixOS service modules are imported by path.
  imports = [ (modulesPath + "/services/web-servers/nginx/default.nix") ];

  image.name = "nci-nginx";
  image.exposedPorts = [ "8080/tcp" ];

  services.nginx = {
    enable = true;
    # nginx runs as its own user: an unprivileged port needs no capability
    # (nci does not grant AmbientCapabilities).
    defaultHTTPListenPort = 8080;
    virtualHosts.localhost = {
      default = true;
      root = pkgs.writeTextDir "index.html" ''
        <!doctype html>
        <title>nci</title>
        <p>Hello from nginx, started by nci.</p>
      '';
    };
  };
}
