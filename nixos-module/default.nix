# nci's NixOS modules: everything lib.makeImage evaluates a user's module with.
#
# Needs the `modulesPath` special argument (nixpkgs' nixos/modules), as NixOS
# modules do, and `pkgs` with nci's overlay (or `nci.package` set).
{ modulesPath, ... }:
{
  imports = [
    # Option declarations NixOS modules rely on everywhere, taken from NixOS
    # itself: the static uid/gid table (`config.ids`), assertions and warnings,
    # and `meta` (maintainers, docs).
    (modulesPath + "/misc/ids.nix")
    (modulesPath + "/misc/assertions.nix")
    (modulesPath + "/misc/meta.nix")
    ./image.nix
    ./systemd.nix
    ./users.nix
    ./etc.nix
    ./tmpfiles.nix
    ./stubs.nix
  ];
}
