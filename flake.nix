# nci as a flake. Every output comes from overlay.nix, as default.nix's do:
# the package, makeImage and the images are defined once, there.
{
  description = "nci: NixOS services in a container image, started and supervised by a small init";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";

  outputs =
    { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      forAllSystems = f: lib.genAttrs systems (system: f (pkgsFor system));
      pkgsFor =
        system:
        import nixpkgs {
          inherit system;
          overlays = [ self.overlays.default ];
        };

      # `nix run .#IMAGE.init -- STATE-DIR` needs bin/NAME: the flake's images
      # offer the same script as initPackage under `.init`.
      withRunnableInit = image: image // { init = image.initPackage; };
    in
    {
      overlays.default = import ./overlay.nix;

      # nci's modules, for lib.makeImage or lib.evalModules (which must pass
      # `modulesPath` in specialArgs and `pkgs` with the overlay).
      nixosModules.default = ./nixos-module;

      # makeImage PKGS MODULE with any nixpkgs package set, or
      # lib.SYSTEM.makeImage MODULE with this flake's nixpkgs.
      lib =
        {
          makeImage = pkgs: (pkgs.extend self.overlays.default).lib.makeImage;
        }
        // lib.genAttrs systems (system: {
          inherit ((pkgsFor system).lib) makeImage;
        });

      packages = forAllSystems (
        pkgs:
        {
          inherit (pkgs) nci;
          default = pkgs.nci;
          # Statically linked: the programs can be copied into any image.
          nci-static = pkgs.pkgsStatic.nci;
        }
        // lib.mapAttrs (_: withRunnableInit) pkgs.dockerImages
      );

      # `nix flake check`: the package (its checkPhase runs the unit suites)
      # and the VM tests of every example image.
      checks = forAllSystems (
        pkgs:
        {
          inherit (pkgs) nci;
        }
        // lib.mapAttrs' (name: test: lib.nameValuePair "vm-${name}" test) pkgs.tests.nci
      );

      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          inputsFrom = [ pkgs.nci ];
          packages = [
            pkgs.gnumake
            pkgs.pkg-config
            pkgs.skalibs
            pkgs.execline
            pkgs.jansson
            pkgs.check
            pkgs.clang-tools
            pkgs.nix
            pkgs.nixfmt-tree
          ];
        };
      });

      formatter = forAllSystems (pkgs: pkgs.nixfmt-tree);
    };
}
