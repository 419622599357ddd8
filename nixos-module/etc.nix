# environment.etc, made when the image is built.
#
# The options are those of NixOS (nixos/modules/system/etc/etc.nix), so stock
# modules set them unchanged. NixOS links /etc entries at activation, through
# /etc/static; an image has no activation, so the entries are written into the
# image's /etc directly: a symlink to the store by default, or, with a `mode`,
# a copy with that mode and owner (fakeroot records them in the layer).
{
  config,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib) mkOption types;
  nciLib = import ./lib.nix;
  inherit (config.users.resolved) uidOf gidOf;

  entryOptions =
    {
      name,
      config,
      options,
      ...
    }:
    {
      options = {
        enable = mkOption {
          type = types.bool;
          default = true;
          description = "Whether this file is put in the image's /etc.";
        };
        target = mkOption {
          type = types.str;
          default = name;
          description = "Path of the file, relative to /etc.";
        };
        text = mkOption {
          type = types.nullOr types.lines;
          default = null;
          description = "Content of the file (instead of `source`).";
        };
        source = mkOption {
          type = types.path;
          description = "The file (or directory) to put there.";
        };
        mode = mkOption {
          type = types.str;
          default = "symlink";
          example = "0600";
          description = "`symlink` links to the store; an octal mode copies the file with that mode and owner.";
        };
        uid = mkOption {
          type = types.int;
          default = 0;
          description = "Owner uid of a copied file.";
        };
        gid = mkOption {
          type = types.int;
          default = 0;
          description = "Owner gid of a copied file.";
        };
        user = mkOption {
          type = types.str;
          default = "+${toString config.uid}";
          description = "Owner of a copied file, by name (or +UID); wins over uid.";
        };
        group = mkOption {
          type = types.str;
          default = "+${toString config.gid}";
          description = "Group of a copied file, by name (or +GID); wins over gid.";
        };
      };
      config.source = lib.mkIf (config.text != null) (
        lib.mkDerivedConfig options.text (pkgs.writeText "etc-${baseNameOf name}")
      );
    };

  entries = map (e: {
    inherit (e) target mode;
    source = "${e.source}";
    uid = uidOf e.user;
    gid = gidOf e.group;
  }) (lib.filter (e: e.enable) (lib.attrValues config.environment.etc));
in
{
  options.environment.etc = mkOption {
    type = types.attrsOf (types.submodule entryOptions);
    default = { };
    description = "Files of the image's /etc, as on NixOS.";
  };

  config.image.rootCommands = nciLib.etcCommands entries;
}
