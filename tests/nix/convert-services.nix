# servicesForConvert on a hand-written `config.systemd.services` in the shape
# NixOS evaluates it to (../../../shared/fixtures/nixos): the result must be
# the JSON map nci-convert reads. tests/nix/run also feeds it to nci-convert.
let
  nci = import ../../nixos-module/lib.nix;
  store = "/nix/store/0000000000000000000000000000000";
in
nci.servicesForConvert {
  globalEnvironment = {
    TZ = "UTC";
    GREETING = "from globalEnvironment";
    # A null variable is not set at all, as NixOS leaves it out of the unit.
    LANG = null;
  };
  internal = [ "nciDefinedValues" ];
  services = {
    # Current NixOS: `path` a list, hooks as one-element lists, ints and bools kept.
    web = {
      name = "web.service";
      enable = true;
      description = "A long-running service";
      wantedBy = [ "multi-user.target" ];
      after = [
        "network.target"
        "setup.service"
      ];
      requires = [ "setup.service" ];
      wants = [ ];
      path = [ "${store}0-coreutils" ];
      environment = {
        PATH = "${store}0-coreutils/bin:${store}0-coreutils/sbin";
        GREETING = "from the service";
        UNSET = null;
      };
      script = "exec /bin/sleep 1000";
      serviceConfig = {
        ExecStart = "/bin/sh -c 'exec /bin/sleep 1000'";
        ExecStartPre = [ "/bin/true" ];
        Restart = "on-failure";
        RestartSec = 2;
        User = "nobody";
      };
      unitConfig = {
        After = "network.target setup.service";
        Requires = "setup.service";
      };
      # An option without a value is null in newer NixOS: left out.
      startLimitBurst = null;
      startLimitIntervalSec = 60;
      # nci's own bookkeeping is not part of the unit.
      nciDefinedValues = {
        ignored = true;
      };
    };
    setup = {
      name = "setup.service";
      enable = true;
      wantedBy = [ "multi-user.target" ];
      environment = { };
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
        ExecStart = "/bin/mkdir -p /run/setup";
      };
    };
    # NixOS 17.03: `path` a string, ExecStartPre a string.
    legacy = {
      enable = true;
      wantedBy = [ "multi-user.target" ];
      path = "${store}1-gnugrep";
      environment.PATH = "${store}1-gnugrep/bin:${store}1-gnugrep/sbin";
      serviceConfig = {
        ExecStartPre = "/bin/true";
        ExecStart = "/bin/sleep 1000";
      };
    };
    # Disabled: left out of the map, so nothing builds or starts it.
    off = {
      enable = false;
      wantedBy = [ "multi-user.target" ];
      serviceConfig.ExecStart = "/bin/false";
    };
    # A timer's service and a template stay in: nci-convert reports them.
    nightly = {
      enable = true;
      startAt = [ "daily" ];
      serviceConfig = {
        Type = "oneshot";
        ExecStart = "/bin/true";
      };
    };
    "worker@" = {
      enable = true;
      serviceConfig.ExecStart = "/bin/echo %i";
    };
  };
}
