# The pure part of nci's Nix layer: plain data in, plain data or text out.
#
# Only builtins are used, no nixpkgs: `make check` tests these functions with
# Debian's nix-instantiate alone (tests/nix/), on a machine that has no nixpkgs.
# The modules in this directory call them with what the module system evaluated.
let
  inherit (builtins)
    attrNames
    concatMap
    concatStringsSep
    elem
    filter
    foldl'
    head
    isString
    length
    listToAttrs
    mapAttrs
    match
    removeAttrs
    replaceStrings
    sort
    split
    tail
    ;

  filterAttrs =
    pred: set:
    listToAttrs (
      map (name: {
        inherit name;
        value = set.${name};
      }) (filter (name: pred name set.${name}) (attrNames set))
    );

  dropNulls = filterAttrs (_: v: v != null);

  sortedNames = set: sort (a: b: a < b) (attrNames set);

  unique = list: foldl' (acc: x: if elem x acc then acc else acc ++ [ x ]) [ ] list;

  words = s: filter (w: isString w && w != "") (split "[[:space:]]+" s);

  # A fixed order (by id, then name) keeps the generated files byte-identical
  # from one build to the next.
  byId =
    idAttr: entries:
    sort (
      a: b: if a.${idAttr} != b.${idAttr} then a.${idAttr} < b.${idAttr} else a.name < b.name
    ) entries;

  # Lowest and highest id NixOS hands out to accounts it allocates itself
  # (update-users-groups.pl): system accounts count down from the top.
  systemIdLow = 400;
  systemIdHigh = 999;
  normalIdLow = 1000;
  normalIdHigh = 29999;
in
rec {
  inherit filterAttrs sortedNames;

  # Single-quotes a string for sh, so any byte can pass through a generated script.
  shellQuote = s: "'" + replaceStrings [ "'" ] [ "'\\''" ] s + "'";

  # From `config.systemd.services` (name -> the values each service defines, see
  # systemd.nix) to the JSON map nci-convert reads, in the fixtures' shape:
  # - disabled units (`enable = false`) are left out: nothing starts them, and
  #   their scripts need not be built;
  # - keys listed in `internal` (nci's own bookkeeping) are left out;
  # - null values are left out: NixOS leaves such a setting out of the unit file;
  # - `environment` gets `systemd.globalEnvironment` underneath it, as NixOS
  #   writes both into every unit, and loses its null variables likewise.
  servicesForConvert =
    {
      services,
      globalEnvironment ? { },
      internal ? [ ],
    }:
    mapAttrs (
      _: service:
      let
        kept = dropNulls (removeAttrs service internal);
      in
      kept
      // {
        environment = dropNulls (globalEnvironment // (kept.environment or { }));
      }
    ) (filterAttrs (_: service: service.enable or true) services);

  # From `config.systemd.timers` (name -> the values each timer defines) to the
  # "timers" section of nci-convert's input: disabled timers, nci's own keys and
  # null values left out, as for services.
  timersForConvert =
    {
      timers,
      internal ? [ ],
    }:
    mapAttrs (_: timer: dropNulls (removeAttrs timer internal)) (
      filterAttrs (_: timer: timer.enable or true) timers
    );

  # nci-convert's whole input: the services and the timers, in its sectioned shape.
  unitsForConvert =
    {
      services,
      timers ? { },
      globalEnvironment ? { },
      internal ? [ ],
    }:
    {
      services = servicesForConvert { inherit services globalEnvironment internal; };
      timers = timersForConvert { inherit timers internal; };
    };

  # Gives every account whose id is null a free one, as NixOS does at activation
  # time. An image is built once, so the choice is made here, deterministically:
  # accounts in name order; system accounts from 999 down to 400, the others
  # from 1000 up; ids already taken (fixed ones first) are skipped.
  allocateIds =
    {
      entries,
      idAttr,
      isSystem,
    }:
    let
      names = sortedNames entries;
      fixed = filter (name: entries.${name}.${idAttr} != null) names;
      taken0 = listToAttrs (
        map (name: {
          name = toString entries.${name}.${idAttr};
          value = true;
        }) fixed
      );
      free =
        taken: id: step: low: high: kind:
        if id < low || id > high then
          throw "nci: no free ${kind} id left between ${toString low} and ${toString high}"
        else if taken ? ${toString id} then
          free taken (id + step) step low high kind
        else
          id;
      allocate =
        acc: name:
        let
          entry = entries.${name};
          system = isSystem entry;
          id =
            if system then
              free acc.taken acc.nextSystem (-1) systemIdLow systemIdHigh "system ${idAttr}"
            else
              free acc.taken acc.nextNormal 1 normalIdLow normalIdHigh idAttr;
        in
        if entry.${idAttr} != null then
          acc // { result = acc.result // { ${name} = entry; }; }
        else
          {
            taken = acc.taken // { ${toString id} = true; };
            nextSystem = if system then id - 1 else acc.nextSystem;
            nextNormal = if system then acc.nextNormal else id + 1;
            result = acc.result // { ${name} = entry // { ${idAttr} = id; }; };
          };
    in
    (foldl' allocate {
      taken = taken0;
      nextSystem = systemIdHigh;
      nextNormal = normalIdLow;
      result = { };
    } names).result;

  # Names of ids given to two accounts (each listed once), for an assertion.
  duplicateIds =
    idAttr: entries:
    let
      ids = map (name: entries.${name}.${idAttr}) (sortedNames entries);
      counted = foldl' (
        acc: id:
        acc
        // {
          ${toString id} = (acc.${toString id} or 0) + 1;
        }
      ) { } ids;
    in
    filter (id: counted.${id} > 1) (sortedNames counted);

  # /etc/passwd, /etc/group and /etc/shadow from allocated accounts.
  # `users`: name -> { name uid group description home shell hashedPassword };
  # `groups`: name -> { name gid members }; `shell` is already a path string.
  passwdText =
    { users, groups }:
    concatStringsSep "" (
      map (
        u:
        let
          group =
            groups.${u.group}
              or (throw "nci: users.users.${u.name}.group: no group named `${u.group}' in users.groups");
        in
        "${u.name}:x:${toString u.uid}:${toString group.gid}:${u.description}:${u.home}:${u.shell}\n"
      ) (byId "uid" (map (name: users.${name}) (attrNames users)))
    );

  # A group's members are its own `members` and the users that list it in
  # `extraGroups`, as NixOS computes them.
  groupText =
    { users, groups }:
    concatStringsSep "" (
      map (
        g:
        let
          fromUsers = map (name: users.${name}.name) (
            filter (name: elem g.name (users.${name}.extraGroups or [ ])) (sortedNames users)
          );
          members = unique (sort (a: b: a < b) (g.members ++ fromUsers));
        in
        "${g.name}:x:${toString g.gid}:${concatStringsSep "," members}\n"
      ) (byId "gid" (map (name: groups.${name}) (attrNames groups)))
    );

  # No hash means no password login ("!"), as NixOS writes it.
  shadowText =
    { users }:
    concatStringsSep "" (
      map (
        u:
        "${u.name}:${if u.hashedPassword == null then "!" else u.hashedPassword}:1::::::\n"
      ) (byId "uid" (map (name: users.${name}) (attrNames users)))
    );

  # Shell commands, run under fakeroot in the image's root directory, that make
  # /etc from `environment.etc` entries: { target source mode uid gid }, ids
  # already resolved. "symlink" (NixOS's default) links to the store; any other
  # mode copies the file and applies mode and owner, which a store path cannot have.
  etcCommands =
    entries:
    let
      checked = map (
        e:
        if match "/.*|(.*/)?\\.\\.(/.*)?|" e.target != null then
          throw "nci: environment.etc: target `${e.target}' must be a relative path inside /etc"
        else
          e
      ) entries;
      ordered = sort (a: b: a.target < b.target) checked;
      command =
        e:
        let
          t = "etc/${e.target}";
        in
        "mkdir -p ${shellQuote (dirOf t)}\n"
        + "rm -rf ${shellQuote t}\n"
        + (
          if e.mode == "symlink" || e.mode == "direct-symlink" then
            "ln -s ${shellQuote e.source} ${shellQuote t}\n"
          else
            "cp -RL --no-preserve=all ${shellQuote e.source} ${shellQuote t}\n"
            + "chmod ${shellQuote e.mode} ${shellQuote t}\n"
            + "chown ${toString e.uid}:${toString e.gid} ${shellQuote t}\n"
        );
    in
    concatStringsSep "" (map command ordered);

  # systemd-tmpfiles lines (`systemd.tmpfiles.rules`) to shell commands run at
  # image build time. Only directory creation means something in an image that
  # no tmpfiles service ever cleans: `d`, `D`, `v`, `q`, `Q` make the directory
  # with its mode and owner; `x`, `X`, `e`, `r`, `R` only steer cleaning, so they
  # are dropped; every other line is returned in `unsupported` for a warning.
  # `uidOf`/`gidOf` resolve user and group names ("-" is root).
  tmpfilesCommands =
    {
      rules,
      uidOf,
      gidOf,
    }:
    let
      lines = filter (l: l != [ ] && match "#.*" (head l) == null) (map words rules);
      field = l: i: default: if length l > i && builtins.elemAt l i != "-" then builtins.elemAt l i else default;
      isDir = l: elem (head l) [ "d" "D" "v" "q" "Q" ];
      isCleaning = l: elem (head l) [ "x" "X" "e" "r" "R" ];
      usable = l: length l >= 2 && match "/[^%]*" (builtins.elemAt l 1) != null;
      command =
        l:
        let
          path = "." + builtins.elemAt l 1;
        in
        "mkdir -p ${shellQuote path}\n"
        + "chmod ${shellQuote (field l 2 "0755")} ${shellQuote path}\n"
        + "chown ${toString (uidOf (field l 3 "root"))}:${toString (gidOf (field l 4 "root"))} ${shellQuote path}\n";
    in
    {
      commands = concatStringsSep "" (map command (filter (l: isDir l && usable l) lines));
      unsupported = map (concatStringsSep " ") (
        filter (l: !(isCleaning l) && !(isDir l && usable l)) lines
      );
    };

  # The image's OCI config. nci-init is the entrypoint, on the compiled tree; a
  # command makes it run in command mode (`nci-init TREE -- CMD ARGS`). The
  # command goes in `Cmd`, after "--", so `docker run IMAGE -- other args`
  # replaces it the way users expect a Cmd to be replaced.
  imageConfig =
    {
      init,
      initOptions ? [ ],
      tree,
      cmd ? [ ],
      env ? { },
      exposedPorts ? [ ],
      extraConfig ? { },
    }:
    {
      Entrypoint = [ init ] ++ initOptions ++ [ tree ];
    }
    // (if cmd == [ ] then { } else { Cmd = [ "--" ] ++ cmd; })
    // (if env == { } then { } else { Env = map (n: "${n}=${env.${n}}") (sortedNames env); })
    // (
      if exposedPorts == [ ] then
        { }
      else
        {
          ExposedPorts = listToAttrs (
            map (p: {
              name = if match ".*/.*" p == null then "${p}/tcp" else p;
              value = { };
            }) exposedPorts
          );
        }
    )
    // extraConfig;
}
