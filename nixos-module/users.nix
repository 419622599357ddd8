# users.users and users.groups become /etc/passwd, /etc/group, /etc/shadow and
# home directories when the image is built.
#
# NixOS declares these options in users-groups.nix and applies them at boot with
# a Perl script that keeps state in /var/lib/nixos. An image is made once and
# never activated, so nci declares the same options (same names, types and
# defaults, the ones stock modules set) and writes the files directly. Options
# about logins (PAM, subuids, lingering, ...) mean nothing in an image: a
# freeform type accepts them so that modules setting them still evaluate.
{ config, lib, ... }:
let
  inherit (lib) mkOption mkDefault types;
  nciLib = import ./lib.nix;
  cfg = config.users;
  ids = config.ids;

  userOptions =
    { name, config, ... }:
    {
      freeformType = types.attrsOf types.anything;
      options = {
        name = mkOption {
          type = types.passwdEntry types.str;
          description = "The account name (the attribute name by default).";
        };
        uid = mkOption {
          type = types.nullOr types.int;
          default = null;
          description = "The uid; null has one allocated at build time (system users from 999 down, others from 1000 up).";
        };
        group = mkOption {
          type = types.str;
          default = "";
          description = "The primary group.";
        };
        extraGroups = mkOption {
          type = types.listOf types.str;
          default = [ ];
          description = "Supplementary groups.";
        };
        description = mkOption {
          type = types.passwdEntry types.str;
          default = "";
          description = "The GECOS field.";
        };
        home = mkOption {
          type = types.passwdEntry types.path;
          default = "/var/empty";
          description = "The home directory.";
        };
        homeMode = mkOption {
          type = types.strMatching "[0-7]{1,5}";
          default = "700";
          description = "The home directory's mode, applied when createHome is true.";
        };
        createHome = mkOption {
          type = types.bool;
          default = false;
          description = "Create the home directory in the image, owned by the user.";
        };
        isSystemUser = mkOption {
          type = types.bool;
          default = false;
          description = "A system account (uid allocated below 1000).";
        };
        isNormalUser = mkOption {
          type = types.bool;
          default = false;
          description = "A user account: group `users`, home /home/NAME, created, the default shell.";
        };
        shell = mkOption {
          type = types.nullOr (types.either types.shellPackage (types.passwdEntry types.path));
          default = null;
          description = "The login shell; null is a path that does not exist, so no login.";
        };
        useDefaultShell = mkOption {
          type = types.bool;
          default = false;
          description = "Use users.defaultUserShell as the shell.";
        };
        hashedPassword = mkOption {
          type = types.nullOr (types.passwdEntry types.str);
          default = null;
          description = "The password hash written to /etc/shadow; null locks password login.";
        };
        initialHashedPassword = mkOption {
          type = types.nullOr (types.passwdEntry types.str);
          default = null;
          description = "Same as hashedPassword in an image (there is no later change to protect).";
        };
        # Clear-text passwords would need hashing at build time; the image build
        # has no such tool, so setting them is an error rather than a silent lock.
        password = mkOption {
          type = types.nullOr types.str;
          default = null;
          description = "Not supported by nci: use hashedPassword.";
        };
        initialPassword = mkOption {
          type = types.nullOr types.str;
          default = null;
          description = "Not supported by nci: use hashedPassword.";
        };
        hashedPasswordFile = mkOption {
          type = types.nullOr types.str;
          default = null;
          description = "Not supported by nci (read at activation on NixOS, and an image is never activated).";
        };
        packages = mkOption {
          type = types.listOf types.package;
          default = [ ];
          description = "Packages linked into the image's root (NixOS puts them on this user's PATH).";
        };
      };
      config = lib.mkMerge [
        {
          name = mkDefault name;
          shell = lib.mkIf config.useDefaultShell (mkDefault cfg.defaultUserShell);
          hashedPassword = lib.mkIf (config.initialHashedPassword != null) (mkDefault config.initialHashedPassword);
        }
        (lib.mkIf config.isNormalUser {
          group = mkDefault "users";
          createHome = mkDefault true;
          home = mkDefault "/home/${config.name}";
          useDefaultShell = mkDefault true;
        })
      ];
    };

  groupOptions =
    { name, ... }:
    {
      freeformType = types.attrsOf types.anything;
      options = {
        name = mkOption {
          type = types.passwdEntry types.str;
          description = "The group name (the attribute name by default).";
        };
        gid = mkOption {
          type = types.nullOr types.int;
          default = null;
          description = "The gid; null has one allocated at build time (from 999 down).";
        };
        members = mkOption {
          type = types.listOf (types.passwdEntry types.str);
          default = [ ];
          description = "Members, besides the users listing this group in extraGroups.";
        };
      };
      config.name = mkDefault name;
    };

  # Keyed by account name (an attribute may rename its account with `name`).
  byName = set: lib.mapAttrs' (_: v: lib.nameValuePair v.name v) set;

  allocatedUsers = nciLib.allocateIds {
    entries = byName cfg.users;
    idAttr = "uid";
    isSystem = u: !u.isNormalUser;
  };
  allocatedGroups = nciLib.allocateIds {
    entries = byName cfg.groups;
    idAttr = "gid";
    isSystem = _: true;
  };

  shellPath =
    shell:
    if shell == null then
      "/sbin/nologin"
    else if types.shellPackage.check shell then
      "${shell}${shell.shellPath}"
    else
      toString shell;

  passwdUsers = lib.mapAttrs (
    _: u:
    {
      inherit (u)
        name
        uid
        group
        extraGroups
        description
        home
        hashedPassword
        ;
      shell = shellPath u.shell;
    }
  ) allocatedUsers;
  passwdGroups = lib.mapAttrs (_: g: { inherit (g) name gid members; }) allocatedGroups;

  uidOf =
    user:
    if lib.hasPrefix "+" user then
      lib.toInt (lib.removePrefix "+" user)
    else
      (allocatedUsers.${user} or (throw "nci: no user named `${user}' in users.users")).uid;
  gidOf =
    group:
    if lib.hasPrefix "+" group then
      lib.toInt (lib.removePrefix "+" group)
    else
      (allocatedGroups.${group} or (throw "nci: no group named `${group}' in users.groups")).gid;

  homeCommands = lib.concatMapStrings (
    u:
    let
      home = nciLib.shellQuote ".${u.home}";
    in
    ''
      mkdir -p ${home}
      chmod ${u.homeMode} ${home}
      chown ${toString u.uid}:${toString (gidOf u.group)} ${home}
    ''
  ) (lib.filter (u: u.createHome) (lib.attrValues allocatedUsers));

  userList = lib.attrValues cfg.users;
in
{
  options = {
    users = {
      users = mkOption {
        type = types.attrsOf (types.submodule userOptions);
        default = { };
        description = "User accounts of the image, as on NixOS.";
      };
      groups = mkOption {
        type = types.attrsOf (types.submodule groupOptions);
        default = { };
        description = "Groups of the image, as on NixOS.";
      };
      defaultUserShell = mkOption {
        type = types.nullOr (types.either types.shellPackage (types.passwdEntry types.path));
        default = null;
        description = "Shell of users with useDefaultShell (isNormalUser ones); null: no login shell.";
      };
      # Accepted so that modules setting them evaluate: an image's accounts are
      # fixed when it is built, whatever these say.
      mutableUsers = mkOption {
        type = types.bool;
        default = false;
        description = "No effect in an image: its accounts are written at build time.";
      };
      resolved = mkOption {
        type = types.raw;
        internal = true;
        readOnly = true;
        description = "uidOf and gidOf: account names (or +ID) to ids, after allocation.";
      };
    };
  };

  config = {
    users.users = {
      root = {
        uid = ids.uids.root;
        group = "root";
        home = "/root";
        description = "System administrator";
      };
      nobody = {
        uid = ids.uids.nobody;
        group = "nogroup";
        isSystemUser = true;
        description = "Unprivileged account (don't use!)";
      };
    };
    users.groups = {
      root.gid = ids.gids.root;
      wheel.gid = ids.gids.wheel;
      users.gid = ids.gids.users;
      nogroup.gid = ids.gids.nogroup;
    };

    users.resolved = { inherit uidOf gidOf; };

    environment.etc = {
      passwd = {
        text = nciLib.passwdText {
          users = passwdUsers;
          groups = passwdGroups;
        };
        mode = "0644";
      };
      group = {
        text = nciLib.groupText {
          users = passwdUsers;
          groups = passwdGroups;
        };
        mode = "0644";
      };
      shadow = {
        text = nciLib.shadowText { users = passwdUsers; };
        mode = "0600";
      };
    };

    image.rootCommands = homeCommands;
    image.contents = lib.concatMap (u: u.packages) userList;

    assertions =
      lib.concatMap (u: [
        {
          assertion = u.group != "";
          message = "users.users.${u.name}.group is unset: every account needs a primary group (e.g. group = \"${u.name}\" with users.groups.${u.name} = {}).";
        }
        {
          assertion = u.uid != null || (u.isNormalUser != u.isSystemUser);
          message = "users.users.${u.name}: exactly one of isNormalUser and isSystemUser must be true (it decides the uid range).";
        }
        {
          assertion = u.password == null && u.initialPassword == null && u.hashedPasswordFile == null;
          message = "users.users.${u.name}: nci writes /etc/shadow at build time and has no hashing tool there: set hashedPassword (from mkpasswd) instead of password, initialPassword or hashedPasswordFile.";
        }
      ]) userList
      ++ [
        {
          assertion = nciLib.duplicateIds "uid" allocatedUsers == [ ];
          message = "users.users: uids given to more than one account: ${toString (nciLib.duplicateIds "uid" allocatedUsers)}.";
        }
        {
          assertion = nciLib.duplicateIds "gid" allocatedGroups == [ ];
          message = "users.groups: gids given to more than one group: ${toString (nciLib.duplicateIds "gid" allocatedGroups)}.";
        }
      ];
  };
}
