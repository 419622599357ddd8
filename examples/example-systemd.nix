# The systemd features an image relies on most, in one image:
#   setup     a oneshot (RemainAfterExit) preparing state in its RuntimeDirectory;
#   ticker    a long-running service ordered after setup, restarted when it dies;
#   notifier  a Type=notify service, ready when it says READY=1;
#   whoami    a oneshot run as an unprivileged User= once notifier is ready.
#
#   nix-build -A dockerImages.example-systemd.init && ./result /tmp/nci-state
#   nix-build -A dockerImages.example-systemd && docker load < result && docker run --rm nci-example-systemd
{ pkgs, ... }:
{
  image.name = "nci-example-systemd";

  systemd.services = {
    setup = {
      description = "Prepares the state the other services use";
      wantedBy = [ "multi-user.target" ];
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
        # Removed when setup stops, which RemainAfterExit delays to shutdown.
        RuntimeDirectory = "nci-example";
      };
      script = ''
        echo "setup: preparing $RUNTIME_DIRECTORY"
        date -u +%Y-%m-%dT%H:%M:%SZ > "$RUNTIME_DIRECTORY/booted"
      '';
    };

    ticker = {
      description = "A long-running service that restarts when it dies";
      wantedBy = [ "multi-user.target" ];
      after = [ "setup.service" ];
      requires = [ "setup.service" ];
      environment.GREETING = "tick";
      serviceConfig = {
        Restart = "always";
        RestartSec = "500ms";
        TimeoutStopSec = 5;
      };
      script = ''
        echo "ticker: up since $(cat /run/nci-example/booted)"
        while :; do
          echo "$GREETING"
          sleep 2
        done
      '';
    };

    notifier = {
      description = "A Type=notify service that tells when it is ready";
      wantedBy = [ "multi-user.target" ];
      after = [ "setup.service" ];
      path = [ pkgs.socat ];
      serviceConfig = {
        Type = "notify";
        # The message comes from socat, a child of the main process: systemd
        # only accepts that with NotifyAccess=all.
        NotifyAccess = "all";
        TimeoutStartSec = 10;
      };
      script = ''
        case "$NOTIFY_SOCKET" in
          @*) address="ABSTRACT-SENDTO:''${NOTIFY_SOCKET#@}" ;;
          *) address="UNIX-SENDTO:$NOTIFY_SOCKET" ;;
        esac
        echo "notifier: starting"
        sleep 1
        printf 'READY=1' | socat -u - "$address"
        echo "notifier: ready"
        exec sleep infinity
      '';
    };

    whoami = {
      description = "Runs as an unprivileged user once notifier is ready";
      wantedBy = [ "multi-user.target" ];
      after = [ "notifier.service" ];
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
        # nobody/nogroup exist in every nci image and on most hosts, so the
        # `.init` script works outside a container too.
        User = "nobody";
        Group = "nogroup";
      };
      script = ''
        echo "whoami: running as $(id -un) (uid $(id -u))"
      '';
    };
  };
}
