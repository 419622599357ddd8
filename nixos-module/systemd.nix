# systemd.services and friends, declared with NixOS's own unit option code, and
# their compilation into nci's service tree.
#
# The option types come from nixpkgs (`utils.systemdUtils.types`), not from a
# copy: a stock NixOS module sets exactly the options it would set on NixOS, with
# the same defaults and the same `script` -> `ExecStart` wrapping. What nci adds
# is where the values go: to nci-convert instead of unit files.
{
  config,
  lib,
  pkgs,
  utils,
  ...
}:
let
  inherit (lib) mkOption types;
  nciLib = import ./lib.nix;
  unitTypes = utils.systemdUtils.types;
  cfg = config.systemd;
  # Store names cannot hold the registry path an image name may have.
  imageName = lib.strings.sanitizeDerivationName (baseNameOf config.image.name);

  # Reading every option of a service blindly would fail on the ones NixOS
  # declares without a default (startLimitBurst, startLimitIntervalSec): reading
  # an option nobody set is an error. Each service therefore lists the values
  # of the options that have one, which is what NixOS itself puts in the unit.
  definedValues =
    { options, config, ... }:
    {
      options.nciDefinedValues = mkOption {
        type = types.raw;
        internal = true;
        readOnly = true;
        visible = false;
        description = "The values of this service's options that are set or have a default (read by nci).";
        default = lib.mapAttrs (name: _: config.${name}) (
          lib.filterAttrs (
            name: option: name != "_module" && name != "nciDefinedValues" && lib.isOption option && option.isDefined
          ) options
        );
      };
    };

  units = nciLib.unitsForConvert {
    services = lib.mapAttrs (_: service: service.nciDefinedValues) cfg.services;
    timers = lib.mapAttrs (_: timer: timer.nciDefinedValues) cfg.timers;
    inherit (cfg) globalEnvironment;
  };
  inherit (units) services;

  # nci-convert's sectioned input: the services and the timers (startAt's among them
  # are made by nci-convert, as NixOS makes them).
  servicesJSON = pkgs.writeText "${imageName}-services.json" (builtins.toJSON units);

  nci = config.nci.package;

  # nci-convert writes its tree beside the output name and renames it, so it
  # works in the build directory; the finished tree is then moved to $out.
  # The report goes to the build log (and stays in the tree as `report`).
  tree =
    pkgs.runCommand "${imageName}-nci-tree"
      {
        inherit servicesJSON;
        preferLocalBuild = true;
      }
      ''
        ${nci}/bin/nci-convert ${lib.optionalString config.nci.strict "--strict"} --report - "$servicesJSON" tree
        mv tree "$out"
      '';

  # `./result STATE-DIR` runs the same tree outside a container: nci-init is then
  # not PID 1 and makes itself a subreaper.
  init = pkgs.writeShellScript "${imageName}-init" ''
    if [ "$#" -lt 1 ]; then
      echo "usage: $0 STATE-DIR [-- COMMAND ARGS...]" >&2
      exit 100
    fi
    state_dir=$1
    shift
    exec ${nci}/bin/nci-init --state-dir "$state_dir" ${lib.escapeShellArgs config.image.initOptions} ${tree} "$@"
  '';

  # `nix run` wants bin/NAME, `./result STATE-DIR` wants a file: the same script
  # is offered both ways.
  initPackage = pkgs.runCommand "${imageName}-init" { meta.mainProgram = "${imageName}-init"; } ''
    mkdir -p "$out/bin"
    ln -s ${init} "$out/bin/${imageName}-init"
  '';

  unitOptionOf =
    type: description:
    mkOption {
      default = { };
      inherit type description;
    };
in
{
  imports = [
    {
      options.systemd.services = mkOption {
        type = types.attrsOf (types.submodule definedValues);
      };
      options.systemd.timers = mkOption {
        type = types.attrsOf (types.submodule definedValues);
      };
    }
  ];

  options = {
    nci = {
      package = mkOption {
        type = types.package;
        default = pkgs.nci or (throw "nci: pkgs has no `nci`: evaluate with nci's overlay (overlay.nix) or set nci.package");
        defaultText = lib.literalExpression "pkgs.nci";
        description = "The nci package whose nci-convert compiles the services and whose nci-init runs them.";
      };
      strict = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Make the image build fail when a service uses a setting nci does not
          implement (nci-convert --strict), instead of listing it in the report.
        '';
      };
    };

    systemd = {
      services = unitOptionOf unitTypes.services "Services, as on NixOS; the enabled ones are compiled into the image's service tree.";
      timers = unitOptionOf unitTypes.timers "Timers, as on NixOS; the enabled ones run under nci-init.";
      # Declared so that modules defining them evaluate. Targets are markers
      # nci-convert knows by name; sockets are not run yet.
      targets = unitOptionOf unitTypes.targets "Targets, as on NixOS (nci starts services, targets are only ordering markers).";
      sockets = unitOptionOf unitTypes.sockets "Sockets, as on NixOS (not used by nci yet: no socket activation).";
      paths = unitOptionOf unitTypes.paths "Path units, as on NixOS (not used by nci).";
      slices = unitOptionOf unitTypes.slices "Slices, as on NixOS (not used by nci).";

      package = mkOption {
        type = types.package;
        default = nci;
        defaultText = lib.literalExpression "config.nci.package";
        description = ''
          What NixOS's unit code puts on every service's PATH as "systemd". An
          image has no systemd, so it is nci's package by default (its nci-ctl
          controls services); set it to `pkgs.systemd` if a service needs
          systemd's tools.
        '';
      };

      enableStrictShellChecks = mkOption {
        type = types.bool;
        default = false;
        description = "Run shellcheck on the scripts NixOS generates for `script`, `preStart`, ... (as on NixOS).";
      };

      globalEnvironment = mkOption {
        type =
          with types;
          attrsOf (
            nullOr (oneOf [
              str
              path
              package
            ])
          );
        default = { };
        description = "Environment variables given to every service, under each service's own (as on NixOS).";
      };

      packages = mkOption {
        type = types.listOf types.package;
        default = [ ];
        description = ''
          Packages whose unit files NixOS would install. nci compiles only
          `systemd.services`, so unit files from packages are not used (a warning says so).
        '';
      };
    };

    image.build = {
      services = mkOption {
        type = types.raw;
        internal = true;
        readOnly = true;
        description = "The enabled services, as the JSON map given to nci-convert.";
      };
      servicesJSON = mkOption {
        type = types.package;
        internal = true;
        readOnly = true;
        description = "services.json, the input of nci-convert: the services and the timers.";
      };
      tree = mkOption {
        type = types.package;
        internal = true;
        readOnly = true;
        description = "The compiled service tree (nci-convert's output).";
      };
      init = mkOption {
        type = types.package;
        internal = true;
        readOnly = true;
        description = "A script that runs the tree outside a container: `./result STATE-DIR`.";
      };
      initPackage = mkOption {
        type = types.package;
        internal = true;
        readOnly = true;
        description = "The same script as bin/NAME-init, for `nix run`.";
      };
    };
  };

  config = {
    # NixOS gives its modules this argument (nixos/modules/misc/extra-arguments.nix);
    # the unit option types above come from it.
    _module.args.utils = import (pkgs.path + "/nixos/lib/utils.nix") { inherit lib config pkgs; };

    image.build = {
      inherit
        services
        servicesJSON
        tree
        init
        initPackage
        ;
    };

    warnings = lib.optional (cfg.packages != [ ]) (
      "nci: systemd.packages is not used: nci compiles systemd.services only, "
      + "so unit files shipped in ${lib.concatMapStringsSep ", " lib.getName cfg.packages} do not run"
    );
  };
}
