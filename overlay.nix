# nci's nixpkgs overlay: `nixpkgs.overlays = [ (import ./overlay.nix) ]`.
#
# Adds
#   nci                 the C programs (nci-convert, nci-exec, nci-supervise,
#                       nci-ctl, nci-init), unit tests run in checkPhase;
#   lib.makeImage       MODULE -> image (see nixos-module/make-image.nix);
#   dockerImages.*      the example images (modules in examples/);
#   tests.nci.*         NixOS VM tests running those images in docker and podman.
# Everything else (default.nix, flake.nix) is built from this one definition.
final: prev:
let
  nciPackage =
    {
      lib,
      stdenv,
      pkg-config,
      skalibs,
      execline,
      jansson,
      check,
      glibc,
      # The static (musl) build of nci, whose nci-supervise and nci-exec this one ships.
      nciStatic ? null,
    }:
    stdenv.mkDerivation {
      pname = "nci";
      version = "0-unstable";

      # The C sources only: editing Nix files, docs or examples does not rebuild
      # the programs. Build directories of a developer's checkout stay out too.
      src = lib.cleanSourceWith {
        src = ./.;
        filter =
          path: type:
          let
            relative = lib.removePrefix (toString ./. + "/") (toString path);
            top = lib.head (lib.splitString "/" relative);
          in
          lib.cleanSourceFilter path type
          && !(lib.hasPrefix "build" top)
          && !(lib.hasSuffix ".nix" relative)
          && !(lib.elem top [
            "doc"
            "examples"
            "bench"
            "flake.lock"
          ]);
      };

      nativeBuildInputs = [ pkg-config ];
      # nci-supervise is linked statically (one runs per service: no dynamic
      # loader's pages in each, see make bench), which with glibc needs its
      # static archive (the package then ships pkgsStatic's, see postInstall).
      buildInputs = [
        skalibs
        jansson
      ] ++ lib.optional (stdenv.hostPlatform.isGnu && !stdenv.hostPlatform.isStatic) glibc.static;
      checkInputs = [ check ];

      # The generated scripts name execline's programs and nci's own by absolute
      # path (EXECLINE_BINDIR, NCI_BINDIR = PREFIX/bin), so both are store paths.
      # The targets used (all, unit, install) never run `make deps`, which
      # installs Debian packages. -Wno-error: the project's CI keeps warnings
      # fatal with its own compilers; a newer compiler in nixpkgs must not break
      # users' builds over a new warning.
      makeFlags = [
        "EXECLINE_BINDIR=${lib.getBin execline}/bin"
        "PREFIX=${placeholder "out"}"
        "CC=${stdenv.cc.targetPrefix}cc"
        "AR=${stdenv.cc.targetPrefix}ar"
        "CFLAGS=-Wno-error"
        "LDFLAGS=-L${lib.getLib skalibs}/lib"
        "SERVICE_LIBC=system"
      ];
      buildFlags = [ "all" ];
      enableParallelBuilding = true;

      # The static build links the test suites without pkg-config's list of
      # check's own dependencies; the dynamic build runs them.
      doCheck = !stdenv.hostPlatform.isStatic;
      checkTarget = "unit";

      # nci-supervise and nci-exec run once per service: the package ships the
      # static musl ones (half the private memory, a cheaper exec), at the
      # place nci-convert and nci-init find them: beside themselves, in $out/bin.
      postInstall = lib.optionalString (nciStatic != null) ''
        install -m 755 ${nciStatic}/bin/nci-supervise ${nciStatic}/bin/nci-exec $out/bin/
      '';

      meta = {
        description = "Init for containers built from NixOS modules: systemd.services compiled to a service tree and supervised";
        mainProgram = "nci-init";
        platforms = lib.platforms.linux;
      };
    };

  makeImage = import ./nixos-module/make-image.nix { pkgs = final; };
in
{
  nci = final.callPackage nciPackage {
    nciStatic = if final.stdenv.hostPlatform.isStatic then null else final.pkgsStatic.nci;
  };

  lib = prev.lib.extend (_: _: { inherit makeImage; });

  dockerImages = {
    example = makeImage ./examples/example.nix;
    example-systemd = makeImage ./examples/example-systemd.nix;
    nginx = makeImage ./examples/nginx.nix;
  };

  tests = (prev.tests or { }) // {
    nci = import ./tests/nix/vm.nix {
      pkgs = final;
      inherit (final) dockerImages;
    };
  };
}
