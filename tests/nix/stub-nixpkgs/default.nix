# A stand-in for nixpkgs with no packages, for flake-outputs.nix: importing it
# gives a package set made only of the overlays passed in, so the flake's output
# names can be listed without nixpkgs (they never force a package's value).
{
  overlays ? [ ],
  ...
}:
let
  apply = prev: overlay: prev // overlay final prev;
  final = builtins.foldl' apply { lib = import ./lib.nix; } overlays;
in
final
