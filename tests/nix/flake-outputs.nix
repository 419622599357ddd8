# The structure of flake.nix's outputs, evaluated without flakes and without
# nixpkgs: flake.nix is imported as a plain file and its `outputs` called with a
# stub nixpkgs. Output names per system are listed; no package is evaluated.
let
  flake = import ../../flake.nix;
  nixpkgs = {
    outPath = ./stub-nixpkgs;
    lib = import ./stub-nixpkgs/lib.nix;
  };
  self = flake.outputs { inherit self nixpkgs; } // {
    outPath = ../..;
  };
  names = set: builtins.mapAttrs (_: builtins.attrNames) set;
in
{
  inputs = builtins.attrNames flake.inputs;
  nixpkgsInput = flake.inputs.nixpkgs.url;
  outputs = builtins.attrNames (flake.outputs { inherit self nixpkgs; });
  packages = names self.packages;
  checks = names self.checks;
  devShells = names self.devShells;
  formatter = builtins.attrNames self.formatter;
  overlays = builtins.attrNames self.overlays;
  # `final: prev: ...`: a function that returns a function.
  overlayTakesTwoArguments =
    builtins.isFunction self.overlays.default && builtins.isFunction (self.overlays.default { });
  nixosModules = builtins.attrNames self.nixosModules;
  nixosModuleIsTheDirectory = self.nixosModules.default == ../../nixos-module;
  lib = names (builtins.removeAttrs self.lib [ "makeImage" ]);
  makeImageTakesPkgs = builtins.isFunction self.lib.makeImage;
}
