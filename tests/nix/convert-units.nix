# unitsForConvert on hand-written `config.systemd.services` and `config.systemd.timers`
# in the shape NixOS evaluates them to: the result is nci-convert's sectioned input
# (tests/nix/run feeds it to nci-convert).
let
  nci = import ../../nixos-module/lib.nix;
in
nci.unitsForConvert {
  internal = [ "nciDefinedValues" ];
  services = {
    backup = {
      enable = true;
      description = "";
      wantedBy = [ ];
      serviceConfig = {
        Type = "oneshot";
        ExecStart = "/bin/true";
      };
      startAt = [ "daily" ];
      environment = { };
      nciDefinedValues = { };
    };
    clean = {
      enable = true;
      serviceConfig = {
        Type = "oneshot";
        ExecStart = "/bin/true";
      };
      environment = { };
    };
  };
  timers = {
    # as NixOS evaluates systemd.timers.clean: its lists, its timerConfig, nulls left out
    clean = {
      enable = true;
      wantedBy = [ "timers.target" ];
      after = [ ];
      timerConfig = {
        OnCalendar = "*:0/15";
        Persistent = true;
      };
      unitConfig = { };
      startLimitBurst = null;
      nciDefinedValues = { };
    };
    off = {
      enable = false;
      timerConfig.OnCalendar = "hourly";
    };
  };
}
