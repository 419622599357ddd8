# NixOS VM tests: each example image loaded into a container engine in a VM,
# checked for what it serves or prints, then stopped: the stop must end the
# container with exit code 0 in under a second (nci-init's clean shutdown).
{ pkgs, dockerImages }:
let
  inherit (pkgs) lib;

  ref = image: "${image.config.image.name}:${image.config.image.tag}";

  # Python for the test driver: start a container, wait for each log line,
  # stop it and check the exit code and how long the stop took.
  runAndStop =
    {
      engine,
      image,
      name,
      runArgs ? "",
      expectLogs,
      check ? "",
    }:
    ''
      machine.succeed("${engine} load < ${image}")
      machine.succeed("${engine} run -d --name ${name} ${runArgs} ${ref image}")
      ${lib.concatMapStrings (line: ''
        machine.wait_until_succeeds("${engine} logs ${name} 2>&1 | grep -F ${lib.escapeShellArg line}", timeout=60)
      '') expectLogs}
      ${check}
      started = time.monotonic()
      machine.succeed("${engine} stop -t 10 ${name}")
      elapsed = time.monotonic() - started
      code = machine.succeed("${engine} inspect -f '{{.State.ExitCode}}' ${name}").strip()
      print(machine.succeed("${engine} logs ${name} 2>&1"))
      assert code == "0", f"${name}: exit code {code} after ${engine} stop"
      assert elapsed < 1.0, f"${name}: ${engine} stop took {elapsed:.2f}s"
    '';

  vmTest =
    name: testScript:
    pkgs.testers.runNixOSTest {
      name = "nci-${name}";
      nodes.machine = {
        environment.systemPackages = [ pkgs.curl ];
        virtualisation.docker.enable = true;
        virtualisation.podman.enable = true;
        virtualisation.memorySize = 1024;
        virtualisation.diskSize = 4096;
      };
      testScript = ''
        import time
        machine.wait_for_unit("docker.service")
        ${testScript}
      '';
    };
in
{
  example = vmTest "example" (
    runAndStop {
      engine = "docker";
      image = dockerImages.example;
      name = "example";
      expectLogs = [ "hello from nci" ];
    }
    + runAndStop {
      engine = "podman";
      image = dockerImages.example;
      name = "example";
      expectLogs = [ "hello from nci" ];
    }
  );

  example-systemd = vmTest "example-systemd" (runAndStop {
    engine = "docker";
    image = dockerImages.example-systemd;
    name = "example-systemd";
    expectLogs = [
      "setup: preparing /run/nci-example"
      "ticker: up since"
      "notifier: ready"
      "whoami: running as nobody (uid 65534)"
      "tick"
    ];
    # The oneshot finished before the services ordered after it started.
    check = ''
      logs = machine.succeed("docker logs example-systemd 2>&1")
      assert logs.index("setup: preparing") < logs.index("ticker: up since"), logs
      assert logs.index("notifier: ready") < logs.index("whoami: running"), logs
    '';
  });

  nginx = vmTest "nginx" (runAndStop {
    engine = "docker";
    image = dockerImages.nginx;
    name = "nginx";
    runArgs = "-p 8080:8080";
    expectLogs = [ ];
    check = ''
      machine.wait_until_succeeds("curl -sf http://127.0.0.1:8080/ | grep -F 'Hello from nginx'", timeout=60)
    '';
  });
}
