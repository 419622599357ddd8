# The image itself: its options (name, tag, base, command, environment, ports,
# contents, nci-init options) and its assembly with dockerTools.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib) mkOption types;
  nciLib = import ./lib.nix;
  cfg = config.image;
  nci = config.nci.package;

  # Directories every Unix program takes for granted. /run must exist for
  # nci-init's state directory (/run/nci) and the services' RuntimeDirectory=,
  # and be writable by whatever user the container is run as (`docker run
  # --user`, a pod's runAsUser): runc gives a tmpfs mounted there the mode of
  # the directory under it, and without --read-only /run is the image's own.
  # 1777 is what an emptyDir and docker's --tmpfs give /run anyway.
  baseDirectories = ''
    mkdir -p tmp var/tmp var/empty var/lib var/log var/cache run root
    chmod 1777 tmp var/tmp run
    chmod 0555 var/empty
    chmod 0700 root
  '';
in
{
  options = {
    image = {
      name = mkOption {
        type = types.str;
        default = "nci";
        example = "registry.example.com/team/web";
        description = "The image's name (repository), as `docker load` tags it.";
      };
      tag = mkOption {
        type = types.nullOr types.str;
        default = "latest";
        description = "The image's tag; null tags it with the hash of its contents.";
      };
      from = mkOption {
        type = types.nullOr types.package;
        default = null;
        example = lib.literalExpression "pkgs.dockerTools.pullImage { ... }";
        description = "A base image (as dockerTools' `fromImage`) whose layers go under this image's.";
      };
      cmd = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [
          "/bin/sh"
          "-c"
          "run-the-tests"
        ];
        description = ''
          A main command. When set, nci-init runs in command mode: the services
          start, then the command; the container exits with the command's exit
          code, after the services are stopped. `docker run IMAGE -- CMD ARGS`
          replaces it.
        '';
      };
      env = mkOption {
        type = types.attrsOf types.str;
        default = { };
        description = ''
          Environment of the container's process (nci-init and the main command).
          Services never inherit it: they get their own `environment`, as under systemd.
        '';
      };
      exposedPorts = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [
          "8080/tcp"
          "53/udp"
        ];
        description = "Ports the image declares (`PORT/PROTO`; a bare number is TCP).";
      };
      contents = mkOption {
        type = types.listOf types.package;
        default = [ ];
        description = "Packages whose files are linked into the image's root, as dockerTools' `contents`.";
      };
      initOptions = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [
          "--on-failure"
          "continue"
          "--grace"
          "2000"
        ];
        description = "Options given to nci-init before the tree, in the image and in `.init`.";
      };
      maxLayers = mkOption {
        type = types.ints.between 2 125;
        default = 100;
        description = "Layers dockerTools may use; store paths past it share the last layer.";
      };
      extraConfig = mkOption {
        type = types.attrsOf types.anything;
        default = { };
        example = {
          Labels."org.opencontainers.image.source" = "https://example.com/repo";
          WorkingDir = "/var/lib/app";
        };
        description = "More OCI image config fields, merged over the ones nci sets.";
      };
      rootCommands = mkOption {
        type = types.lines;
        default = "";
        internal = true;
        description = ''
          Shell commands run under fakeroot in the image's root directory at build
          time, where files get the owners and modes a store path cannot have
          (/etc/shadow, home directories, environment.etc copies).
        '';
      };
      build.image = mkOption {
        type = types.package;
        internal = true;
        readOnly = true;
        description = "The image (a docker-archive tarball).";
      };
    };

    # NixOS links these into /run/current-system/sw; an image has one system, so
    # they go straight into its root.
    environment.systemPackages = mkOption {
      type = types.listOf types.package;
      default = [ ];
      description = "Packages linked into the image's root (/bin, /share, ...), as NixOS puts them on the system path.";
    };
  };

  config = {
    image.rootCommands = lib.mkBefore baseDirectories;

    # Layered, so that images built from the same nixpkgs share the layers of
    # the store paths they have in common. nci's own package is in the contents
    # so that `docker exec CONTAINER nci-ctl ...` finds it on the default PATH.
    image.build.image = pkgs.dockerTools.buildLayeredImage {
      inherit (cfg) name tag maxLayers;
      fromImage = cfg.from;
      contents = cfg.contents ++ config.environment.systemPackages ++ [ nci ];
      fakeRootCommands = cfg.rootCommands;
      config = nciLib.imageConfig {
        init = "${nci}/bin/nci-init";
        tree = "${config.image.build.tree}";
        inherit (cfg)
          initOptions
          cmd
          env
          exposedPorts
          extraConfig
          ;
      };
    };
  };
}
