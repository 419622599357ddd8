# Account files from users.users/users.groups values as users.nix hands them
# over: ids allocated where null, then /etc/passwd, /etc/group, /etc/shadow.
let
  nci = import ../../nixos-module/lib.nix;

  users = nci.allocateIds {
    idAttr = "uid";
    isSystem = u: !u.isNormalUser;
    entries = {
      root = {
        name = "root";
        uid = 0;
        group = "root";
        extraGroups = [ ];
        description = "System administrator";
        home = "/root";
        shell = "/sbin/nologin";
        hashedPassword = null;
        isNormalUser = false;
      };
      # No uid: system accounts get the highest free id below 1000, by name.
      nginx = {
        name = "nginx";
        uid = null;
        group = "nginx";
        extraGroups = [ "web" ];
        description = "";
        home = "/var/empty";
        shell = "/sbin/nologin";
        hashedPassword = null;
        isNormalUser = false;
      };
      app = {
        name = "app";
        uid = null;
        group = "app";
        extraGroups = [ "web" ];
        description = "";
        home = "/var/lib/app";
        shell = "/sbin/nologin";
        hashedPassword = null;
        isNormalUser = false;
      };
      # A fixed id is kept, and skipped by the allocation of the others.
      fixed = {
        name = "fixed";
        uid = 999;
        group = "users";
        extraGroups = [ ];
        description = "";
        home = "/var/empty";
        shell = "/sbin/nologin";
        hashedPassword = null;
        isNormalUser = false;
      };
      # Normal users count up from 1000.
      alice = {
        name = "alice";
        uid = null;
        group = "users";
        extraGroups = [ "wheel" ];
        description = "Alice";
        home = "/home/alice";
        shell = "/nix/store/00000000000000000000000000000000-bash/bin/bash";
        hashedPassword = "$y$j9T$abc$def";
        isNormalUser = true;
      };
    };
  };

  groups = nci.allocateIds {
    idAttr = "gid";
    isSystem = _: true;
    entries = {
      root = {
        name = "root";
        gid = 0;
        members = [ ];
      };
      wheel = {
        name = "wheel";
        gid = 1;
        members = [ ];
      };
      users = {
        name = "users";
        gid = 100;
        members = [ ];
      };
      nginx = {
        name = "nginx";
        gid = null;
        members = [ ];
      };
      app = {
        name = "app";
        gid = null;
        members = [ ];
      };
      # Members listed here and users with the group in extraGroups, merged.
      web = {
        name = "web";
        gid = null;
        members = [ "nginx" ];
      };
    };
  };
in
{
  uids = builtins.mapAttrs (_: u: u.uid) users;
  gids = builtins.mapAttrs (_: g: g.gid) groups;
  passwd = nci.passwdText { inherit users groups; };
  group = nci.groupText { inherit users groups; };
  shadow = nci.shadowText { inherit users; };
  duplicates = nci.duplicateIds "uid" (users // { again = users.alice // { name = "again"; }; });
}
