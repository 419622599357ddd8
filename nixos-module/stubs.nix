# Options stock NixOS modules set or read that have no use in a container image.
#
# A module's definitions must all name declared options, even inside a disabled
# `mkIf`, so a stock module fails to evaluate if any option it touches is
# missing. Each option here is declared only so that such modules evaluate; the
# comment says why nci has nothing to do with it.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;

  # A subtree whose settings are accepted and have no effect.
  ignored =
    description:
    mkOption {
      type = types.submodule { freeformType = types.attrsOf types.anything; };
      default = { };
      inherit description;
    };
in
{
  options = {
    # The kernel belongs to the host: modules and sysctls are not the image's to set.
    boot.kernelModules = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "Ignored by nci: the container's kernel is the host's.";
    };
    boot.kernel.sysctl = mkOption {
      type = types.attrsOf types.anything;
      default = { };
      description = "Ignored by nci: sysctls are set by the container runtime.";
    };

    networking = {
      # Container runtimes often give the container no IPv6 (Docker's default),
      # and a service told to listen on [::] then fails to start; modules read
      # this to decide, so it is off unless the image says otherwise.
      enableIPv6 = mkOption {
        type = types.bool;
        default = false;
        description = "Whether services should use IPv6 (modules read it for their listen addresses).";
      };
      hostName = mkOption {
        type = types.str;
        default = "nci";
        description = "Read by some modules for their configuration; the container's real hostname is the runtime's.";
      };
      # The runtime publishes ports (docker run -p); there is no firewall inside.
      firewall = ignored "Ignored by nci: the container runtime decides which ports are reachable.";
    };

    # No logrotate service runs; services' logs go to the container's output.
    services.logrotate = ignored "Ignored by nci: no logrotate runs in the image.";

    # Setuid wrappers are made by NixOS's activation, which an image does not have.
    security.wrappers = mkOption {
      type = types.attrsOf types.anything;
      default = { };
      description = "Not supported by nci (a warning says so when set).";
    };

    # ACME needs timers, an HTTP challenge and persistent state; nci images get
    # certificates from outside (a mounted volume, a secret).
    security.acme.certs = mkOption {
      type = types.attrsOf (types.submodule { freeformType = types.attrsOf types.anything; });
      default = { };
      description = "Not supported by nci: setting a certificate fails the build with an explanation.";
    };

    # Modules pick defaults by it; the image is new, so the release it is built with.
    system.stateVersion = mkOption {
      type = types.str;
      default = lib.trivial.release;
      description = "The NixOS release whose defaults stateful modules keep (as on NixOS).";
    };
  };

  config = {
    assertions = [
      {
        assertion = config.security.acme.certs == { };
        message = "nci: security.acme is not available in an image (certificates: ${toString (lib.attrNames config.security.acme.certs)}); mount the certificates into the container and point the service at them.";
      }
    ];
    warnings = lib.optional (config.security.wrappers != { }) (
      "nci: security.wrappers is ignored (${toString (lib.attrNames config.security.wrappers)}): "
      + "an image has no setuid wrappers."
    );
  };
}
