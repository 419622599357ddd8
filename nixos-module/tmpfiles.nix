# systemd.tmpfiles: the directories it would create at boot are made in the image.
#
# Many NixOS modules ask tmpfiles for their directories. nci runs no tmpfiles
# service, and the image's root is its boot-time state, so `d`-like rules are
# applied when the image is built (see lib.nix, tmpfilesCommands). Rules under
# /run or /tmp still only last if the runtime does not mount a fresh tmpfs there.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  nciLib = import ./lib.nix;
  cfg = config.systemd.tmpfiles;

  # `settings` is the attribute form of the same rules: NAME.PATH.TYPE = { mode user group age argument }.
  settingsRules = lib.concatLists (
    lib.mapAttrsToList (
      _: paths:
      lib.concatLists (
        lib.mapAttrsToList (
          path: types':
          lib.mapAttrsToList (
            type: rule:
            lib.concatStringsSep " " [
              type
              path
              (rule.mode or "-")
              (rule.user or "-")
              (rule.group or "-")
              (rule.age or "-")
            ]
          ) types'
        ) paths
      )
    ) cfg.settings
  );

  applied = nciLib.tmpfilesCommands {
    rules = cfg.rules ++ settingsRules;
    inherit (config.users.resolved) uidOf gidOf;
  };
in
{
  options.systemd.tmpfiles = {
    rules = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "d /var/lib/app 0750 app app -" ];
      description = "tmpfiles.d(5) lines; directory rules are applied when the image is built.";
    };
    settings = mkOption {
      type = types.attrsOf (types.attrsOf (types.attrsOf (types.attrsOf types.anything)));
      default = { };
      description = "The same rules as attributes (NAME.PATH.TYPE = { mode; user; group; age; }), as on NixOS.";
    };
  };

  config = {
    image.rootCommands = applied.commands;
    warnings = map (
      rule: "nci: systemd.tmpfiles rule not applied (only directory rules are made at image build time): ${rule}"
    ) applied.unsupported;
  };
}
