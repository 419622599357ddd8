#!/bin/bash
# nci-init booting real daemons from Debian (nginx, redis-server), on 127.0.0.1 only, from
# JSON in the fixtures' shape with Debian paths; a oneshot prepares their directories the way
# a User= service needs them.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/init/lib.sh"

NGINX=/usr/sbin/nginx
REDIS=/usr/sbin/redis-server
[ -x "$REDIS" ] || REDIS=/usr/bin/redis-server
REDIS_CLI=/usr/bin/redis-cli

# nginx_conf FILE DIR PORT [EXTRA]: a config serving DIR/www on 127.0.0.1:PORT, every path it
# writes under DIR, workers as www-data
nginx_conf() {
  cat > "$1" <<EOF
worker_processes 1;
pid $2/run/nginx.pid;
error_log stderr notice;
user www-data;
${4:-}
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $2/tmp/body;
  proxy_temp_path $2/tmp/proxy;
  fastcgi_temp_path $2/tmp/fastcgi;
  uwsgi_temp_path $2/tmp/uwsgi;
  scgi_temp_path $2/tmp/scgi;
  server { listen 127.0.0.1:$3; root $2/www; }
}
EOF
}
# fetch PORT PATH: the page, or nothing
fetch() { curl -fsS --max-time 2 "http://127.0.0.1:$1$2" 2>/dev/null; }
fetch_is() { [ "$(fetch "$1" "$2")" = "$3" ]; }
port_closed() { ! (exec 3<> "/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# The oneshot that prepares DIR for nginx: its page, and temp dirs owned by www-data
nginx_prep() {
  unit "$1" Type=oneshot RemainAfterExit=true \
    "ExecStart=/bin/sh -c 'mkdir -p $2/www $2/run && install -d -o www-data -g www-data -m 0700 $2/tmp && echo $3 > $2/www/index.html'" \
    "ExecStop=/bin/rm -rf $2/www"
}

t "nginx in the foreground (daemon off) serves a page prepared by a oneshot"
D=$TMP/nginx1; mkdir -p "$D"
port=$(free_port)
nginx_conf "$TMP/nginx1.conf" "$D" "$port"
mktree nginx1 \
  "$(nginx_prep nginx-prep "$D" "hello-from-nci")" \
  "$(unit nginx after=nginx-prep requires=nginx-prep "ExecStart=$NGINX -e stderr -g 'daemon off;' -c $TMP/nginx1.conf" \
     KillSignal=SIGQUIT TimeoutStopSec=5)"
boot nginx1 "$TREE"
wait_booted
wait_for 5 fetch_is "$port" /index.html hello-from-nci || fail "page: [$(fetch "$port" /index.html)]; $(tail -n 5 "$ERR")"
main=$(nci_state nginx pid)
assert_match "master pid" '^[0-9]+$' "$main"
assert_eq "nginx's pid file names the supervised main process" "$main" "$(cat "$D/run/nginx.pid" 2>&1)"
assert_eq "temp dir owned by www-data" www-data "$(stat -c %U "$D/tmp")"
# the worker can answer before nci-init has passed the master's line on
wait_for 5 grep -q '^nginx: .*start worker process' "$ERR"
assert_match "nginx's own log lines come prefixed" '^nginx: .*start worker process' "$(cat "$ERR")"
stop_init
assert_eq "exit code" 0 "$rc"
port_closed "$port" || fail "port $port still open after the stop"
assert_no_file "$D/www"

t "nginx Type=forking with PIDFile: ready when the pid file names the master"
D=$TMP/nginx2; mkdir -p "$D"
port=$(free_port)
nginx_conf "$TMP/nginx2.conf" "$D" "$port"
rm -f "$TMP/after-nginx"
mktree nginx2 \
  "$(nginx_prep nginx-prep "$D" "forked-page")" \
  "$(unit nginx Type=forking "PIDFile=$D/run/nginx.pid" after=nginx-prep requires=nginx-prep \
     "ExecStart=$NGINX -e stderr -c $TMP/nginx2.conf" "ExecReload=$NGINX -e stderr -c $TMP/nginx2.conf -s reload")" \
  "$(unit probe Type=oneshot after=nginx requires=nginx "ExecStart=/bin/sh -c 'curl -fsS http://127.0.0.1:$port/ > $TMP/after-nginx'")"
boot nginx2 "$TREE"
wait_booted
# the oneshot ordered after nginx fetched the page: nginx was listening when it became ready
assert_eq "fetched by the unit after nginx" forked-page "$(cat "$TMP/after-nginx" 2>&1)"
assert_eq "probe done" down "$(nci_state probe state)"
assert_eq "readiness" forking "$(nci_state nginx readiness)"
assert_eq "nci-state pid is the pid file's" "$(cat "$D/run/nginx.pid" 2>&1)" "$(nci_state nginx pid)"
assert_eq "fetched from outside" forked-page "$(fetch "$port" /)"
assert_eq "one master" 1 "$(descendants_named nginx | while read -r p; do grep -q 'master process' "/proc/$p/cmdline" 2>/dev/null && echo "$p"; done | wc -l)"
stop_init
assert_eq "exit code" 0 "$rc"
port_closed "$port" || fail "port $port still open after the stop"

t "redis-server Type=notify (--supervised systemd) as User=redis answers PING; a unit after it uses it"
D=$TMP/redis; port=$(free_port)
rm -f "$TMP/redis-got"
mktree redis \
  "$(unit redis-prep Type=oneshot "ExecStart=/usr/bin/install -d -o redis -g redis -m 0750 $D")" \
  "$(unit redis Type=notify User=redis Group=redis "WorkingDirectory=$D" after=redis-prep requires=redis-prep \
     "ExecStart=$REDIS --port $port --bind 127.0.0.1 --supervised systemd --daemonize no --save '' --appendonly no --dir $D --logfile ''" \
     TimeoutStartSec=10s)" \
  "$(unit redis-user Type=oneshot after=redis requires=redis \
     "ExecStart=/bin/sh -c '$REDIS_CLI -p $port set greeting hello-redis && $REDIS_CLI -p $port get greeting > $TMP/redis-got'")"
boot redis "$TREE"
wait_booted 15
assert_eq "redis ready by notify" "notify yes" "$(nci_state redis readiness) $(nci_state redis ready)"
assert_eq "PING" PONG "$("$REDIS_CLI" -p "$port" ping 2>&1)"
assert_eq "the unit after redis" hello-redis "$(cat "$TMP/redis-got" 2>&1)"
assert_eq "runs as redis" redis "$(ps -o user= -p "$(descendants_named redis-server | head -n 1)" 2>/dev/null | tr -d ' ')"
assert_eq "the directory the oneshot prepared" "redis 750" "$(stat -c '%U %a' "$D")"
stop_init
assert_eq "exit code" 0 "$rc"
port_closed "$port" || fail "port $port still open after the stop"

t "redis-server Type=simple answers PING (RESP by hand over /dev/tcp)"
port=$(free_port)
mktree redis-simple \
  "$(unit redis-prep Type=oneshot "ExecStart=/usr/bin/install -d -o redis -g redis -m 0750 $D")" \
  "$(unit redis User=redis after=redis-prep requires=redis-prep \
     "ExecStart=$REDIS --port $port --bind 127.0.0.1 --daemonize no --save '' --appendonly no --dir $D --logfile ''")"
boot redis-simple "$TREE"
wait_booted
resp_ping() {
  local line
  exec 5<> "/dev/tcp/127.0.0.1/$port" || return 1
  printf '*1\r\n$4\r\nPING\r\n' >&5
  read -r -t 2 line <&5
  exec 5<&-
  [ "$line" = $'+PONG\r' ]
}
wait_for 5 resp_ping 2>/dev/null || fail "no +PONG from 127.0.0.1:$port"
stop_init
assert_eq "exit code" 0 "$rc"
port_closed "$port" || fail "port $port still open after the stop"
