# The classic entry point, without flakes:
#   nix-build -A dockerImages.example-systemd         the image (docker load < result)
#   nix-build -A dockerImages.example-systemd.init    ./result STATE-DIR runs its services here
#   nix-build -A nci                                  the programs
#   nix-build -A tests                                the VM tests
# It uses <nixpkgs>, or `--arg nixpkgs PATH`, or `--arg pkgs EXPR` (any nixpkgs
# package set, to which nci's overlay is added).
{
  nixpkgs ? <nixpkgs>,
  system ? builtins.currentSystem,
  pkgs ? import nixpkgs { inherit system; },
}:
let
  withNci = pkgs.extend (import ./overlay.nix);
in
{
  inherit (withNci) nci dockerImages;
  inherit (withNci.lib) makeImage;
  tests = withNci.tests.nci;
  # The static build: one binary per program, to drop into any image.
  nci-static = withNci.pkgsStatic.nci;
}
