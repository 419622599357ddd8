# lib.makeImage MODULE: evaluates a NixOS-style module with nci's modules and
# returns the image (a docker-archive tarball) with, beside it:
#   .init         a script running the same service tree outside a container
#                 (`./result STATE-DIR`), .initPackage the same as bin/NAME-init;
#   .tree         the compiled service tree;
#   .services     the service map, .servicesJSON the file given to nci-convert
#                 (the services and the timers);
#   .config, .options   the evaluated module, to inspect.
{
  pkgs,
  lib ? pkgs.lib,
}:
module:
let
  evaluated = lib.evalModules {
    # As NixOS passes it: modules import stock NixOS modules through it.
    specialArgs.modulesPath = pkgs.path + "/nixos/modules";
    modules = [
      ./default.nix
      { _module.args.pkgs = pkgs; }
      module
    ];
  };
  inherit (evaluated) config;

  # NixOS refuses to build a system with failed assertions and prints its
  # warnings; an image gets the same treatment.
  failed = map (a: a.message) (lib.filter (a: !a.assertion) config.assertions);
  build =
    if failed != [ ] then
      throw "\nnci: the image `${config.image.name}' cannot be built:\n${lib.concatMapStrings (m: "- ${m}\n") failed}"
    else
      lib.showWarnings config.warnings config.image.build;
in
lib.extendDerivation true {
  inherit (build)
    init
    initPackage
    tree
    services
    servicesJSON
    ;
  inherit config;
  inherit (evaluated) options;
} build.image
