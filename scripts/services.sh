#!/usr/bin/env bash
# Private PostgreSQL + Redis for sitesim, without Docker.
#
#   scripts/services.sh up       start both (idempotent; installs them with apt when root)
#   scripts/services.sh down     stop both (no error if already down)
#   scripts/services.sh status   one line per service; exit 0 only if both answer
#   scripts/services.sh env      print DATABASE_URL=... and REDIS_URL=... on stdout
#
# Mode: SITESIM_SERVICES_MODE=dev (default) or test.
#   dev : PostgreSQL .sitesim/dev/pg  on 55432 (durable), Redis .sitesim/dev/redis  on 6390 (AOF on)
#   test: PostgreSQL .sitesim/test/pg on 55433 (fsync off), Redis .sitesim/test/redis on 6391 (no persistence)
# Ports can be overridden with SITESIM_PG_PORT / SITESIM_REDIS_PORT.
# All messages go to stderr, prefixed "[services]"; only `env` and `status` write to stdout.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)

MODE=${SITESIM_SERVICES_MODE:-dev}
case "$MODE" in
  dev)
    PG_PORT=${SITESIM_PG_PORT:-55432}
    REDIS_PORT=${SITESIM_REDIS_PORT:-6390}
    ;;
  test)
    PG_PORT=${SITESIM_PG_PORT:-55433}
    REDIS_PORT=${SITESIM_REDIS_PORT:-6391}
    ;;
  *)
    echo "[services] error: SITESIM_SERVICES_MODE must be 'dev' or 'test' (got '$MODE')" >&2
    exit 2
    ;;
esac

STATE_DIR=$ROOT/.sitesim/$MODE
PG_DATA=$STATE_DIR/pg
PG_LOG=$PG_DATA/log
PG_SOCKET_DIR=/tmp
PG_SUPERUSER=postgres
DB_NAME=sitesim
REDIS_DIR=$STATE_DIR/redis
REDIS_PIDFILE=$REDIS_DIR/redis.pid
REDIS_LOGFILE=$REDIS_DIR/redis.log
WAIT_SECONDS=30

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] error: %s\n' "$*" >&2; exit 1; }

for _v in PG_PORT REDIS_PORT; do
  if ! [[ ${!_v} =~ ^[0-9]+$ ]] || (( ${!_v} < 1 || ${!_v} > 65535 )); then
    die "$_v must be a TCP port number (got '${!_v}')"
  fi
done

is_root() { [ "$(id -u)" -eq 0 ]; }
can_apt() { is_root && command -v apt-get >/dev/null 2>&1; }

# Keep the caller's libpq settings from redirecting our checks elsewhere.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGOPTIONS PGSSLMODE PGTARGETSESSIONATTRS || true
export PGCONNECT_TIMEOUT=5

# ---------------------------------------------------------------- tools

PG_BIN=""
PG_ISREADY=""
PSQL=""
REDIS_SERVER=""
REDIS_CLI=""

find_pg_bin() {
  local p d
  if p=$(command -v pg_ctl 2>/dev/null) && command -v initdb >/dev/null 2>&1; then
    d=$(dirname "$(readlink -f "$p")")
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
    # pg_ctl and initdb on PATH but in different places: use PATH's directory
    dirname "$p"; return 0
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -V -r); do
    if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  return 1
}

pick_pg_clients() {
  if [ -x "$PG_BIN/pg_isready" ]; then PG_ISREADY=$PG_BIN/pg_isready; else PG_ISREADY=$(command -v pg_isready || true); fi
  if [ -x "$PG_BIN/psql" ]; then PSQL=$PG_BIN/psql; else PSQL=$(command -v psql || true); fi
}

# Look for the PostgreSQL tools without installing anything (for status/down).
probe_pg_tools() {
  PG_BIN=$(find_pg_bin) || PG_BIN=""
  [ -n "$PG_BIN" ] || return 1
  pick_pg_clients
  [ -n "$PG_ISREADY" ] && [ -n "$PSQL" ]
}

probe_redis_tools() {
  REDIS_SERVER=$(command -v redis-server 2>/dev/null || true)
  REDIS_CLI=$(command -v redis-cli 2>/dev/null || true)
  [ -n "$REDIS_SERVER" ] && [ -n "$REDIS_CLI" ]
}

apt_install() {
  local out rc=0
  out=$(mktemp)
  export DEBIAN_FRONTEND=noninteractive
  local opts=(-y -q -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  if ! apt-get install "${opts[@]}" "$@" >"$out" 2>&1; then
    log "apt-get install $* failed; running apt-get update and retrying"
    if apt-get update -q -o DPkg::Lock::Timeout=300 >>"$out" 2>&1; then
      apt-get install "${opts[@]}" "$@" >>"$out" 2>&1 || rc=$?
    else
      rc=$?
    fi
  fi
  if [ "$rc" -ne 0 ]; then
    tail -n 15 "$out" | sed 's/^/[services]   apt: /' >&2
  fi
  rm -f "$out"
  return "$rc"
}

ensure_pg_tools() {
  if probe_pg_tools; then return 0; fi
  if ! can_apt; then
    die "PostgreSQL server is missing (initdb/pg_ctl not on PATH nor in /usr/lib/postgresql/*/bin); install it with: sudo apt-get install -y postgresql"
  fi
  log "PostgreSQL not found; installing it: apt-get install -y postgresql"
  apt_install postgresql || die "could not install PostgreSQL; install it with: sudo apt-get install -y postgresql"
  if [ -x /usr/lib/postgresql/15/bin/pg_ctl ]; then PG_BIN=/usr/lib/postgresql/15/bin; else PG_BIN=$(find_pg_bin) || PG_BIN=""; fi
  [ -n "$PG_BIN" ] || die "PostgreSQL was installed but initdb/pg_ctl are still not found under /usr/lib/postgresql/*/bin"
  pick_pg_clients
  { [ -n "$PG_ISREADY" ] && [ -n "$PSQL" ]; } || die "pg_isready/psql are missing; install them with: sudo apt-get install -y postgresql-client"
}

ensure_redis_tools() {
  if probe_redis_tools; then return 0; fi
  if ! can_apt; then
    die "Redis is missing (redis-server/redis-cli not on PATH); install it with: sudo apt-get install -y redis-server"
  fi
  log "Redis not found; installing it: apt-get install -y redis-server"
  apt_install redis-server || die "could not install Redis; install it with: sudo apt-get install -y redis-server"
  probe_redis_tools || die "redis-server was installed but redis-server/redis-cli are still not on PATH"
}

# ---------------------------------------------------------------- helpers

# Run a PostgreSQL server tool as the cluster owner: `postgres` when we are root
# (initdb and postgres refuse to run as root), ourselves otherwise.
as_pg() {
  if is_root; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

ensure_postgres_user() {
  is_root || return 0
  if ! id -u postgres >/dev/null 2>&1; then
    log "creating system user 'postgres'"
    useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home --shell /bin/sh postgres \
      || die "could not create the 'postgres' system user (useradd --system postgres)"
  fi
  command -v runuser >/dev/null 2>&1 || die "runuser is missing; install it with: apt-get install -y util-linux"
}

# The postgres user must be able to traverse every directory above the data dir.
ensure_traversable() {
  is_root || return 0
  local target=$1
  if runuser -u postgres -- test -x "$target" 2>/dev/null; then return 0; fi
  local path="" part
  local -a parts
  IFS=/ read -r -a parts <<<"${target#/}"
  for part in "${parts[@]}"; do
    path="$path/$part"
    if ! runuser -u postgres -- test -x "$path" 2>/dev/null; then
      log "chmod o+x $path (so the postgres user can reach $target)"
      chmod o+x "$path" || die "cannot chmod o+x $path; the postgres user must be able to traverse it"
    fi
  done
  runuser -u postgres -- test -x "$target" \
    || die "the postgres user still cannot reach $target; check the permissions of its parent directories"
}

# Is PID a running process? Zombies do not count: where PID 1 does not reap
# orphans (as in some sandboxes), a killed daemon stays <defunct> and
# `kill -0` (which postgres also uses for its lock files) still succeeds.
proc_alive() {
  local pid=$1 state
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  state=$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$pid/stat" 2>/dev/null || true)
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# Is PID a live postgres process whose working directory is our data dir?
is_our_postgres_pid() {
  local pid=$1 comm cwd
  proc_alive "$pid" || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
  case "$comm" in postgres|postmaster) ;; *) return 1 ;; esac
  cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null || true)
  [ -z "$cwd" ] || [ "$cwd" = "$PG_DATA" ]
}

is_live_postgres_pid() {
  local pid=$1 comm
  proc_alive "$pid" || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
  [ "$comm" = postgres ] || [ "$comm" = postmaster ]
}

postmaster_pid() {
  [ -f "$PG_DATA/postmaster.pid" ] || return 1
  head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null | tr -dc '0-9'
}

# Backends left behind by a postmaster that was killed (kill -9) keep the old
# shared memory attached and make the next start fail; they all have our data
# dir as working directory.
kill_orphan_backends() {
  local p pid cwd found=0 i
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    cwd=$(readlink "$p/cwd" 2>/dev/null || true)
    [ "$cwd" = "$PG_DATA" ] || continue
    case "$(cat "$p/comm" 2>/dev/null || true)" in postgres|postmaster) ;; *) continue ;; esac
    if kill -9 "$pid" 2>/dev/null; then found=1; fi
  done
  [ "$found" -eq 1 ] || return 0
  log "killed leftover postgres processes of a crashed server"
  for ((i = 0; i < 50; i++)); do
    found=0
    for p in /proc/[0-9]*; do
      [ "$(readlink "$p/cwd" 2>/dev/null || true)" = "$PG_DATA" ] && found=1 && break
    done
    [ "$found" -eq 0 ] && return 0
    sleep 0.1
  done
}

clean_stale_pg() {
  local pid lock lockpid
  if [ -f "$PG_DATA/postmaster.pid" ]; then
    pid=$(postmaster_pid || true)
    if is_our_postgres_pid "$pid"; then
      return 0 # alive (starting up, recovering or shutting down): the caller waits for it
    fi
    log "removing stale postmaster.pid (PID ${pid:-?} is no running server of this data dir; unclean stop?)"
    kill_orphan_backends
    rm -f "$PG_DATA/postmaster.pid"
  else
    kill_orphan_backends
  fi
  lock=$PG_SOCKET_DIR/.s.PGSQL.$PG_PORT.lock
  if [ -f "$lock" ]; then
    lockpid=$(head -n 1 "$lock" 2>/dev/null | tr -dc '0-9' || true)
    if ! is_live_postgres_pid "$lockpid"; then
      log "removing stale socket lock $lock"
      rm -f "$lock" "$PG_SOCKET_DIR/.s.PGSQL.$PG_PORT"
    fi
  fi
}

pg_is_up() {
  [ -n "$PG_ISREADY" ] || return 1
  "$PG_ISREADY" -q -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres -t 3 >/dev/null 2>&1 \
    || "$PG_ISREADY" -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres -t 3 >/dev/null 2>&1
}

pg_sql() {
  "$PSQL" -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres -c "$1"
}

redis_cli() { timeout 5 "$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

redis_is_up() {
  [ -n "$REDIS_CLI" ] || return 1
  [ "$(redis_cli ping 2>/dev/null || true)" = PONG ]
}

redis_dir_of_running() {
  redis_cli config get dir 2>/dev/null | sed -n 2p
}

pg_tail_log() {
  if [ -f "$PG_LOG" ]; then
    log "last lines of $PG_LOG:"
    tail -n 20 "$PG_LOG" | sed 's/^/[services]   /' >&2
  fi
}

redis_tail_log() {
  if [ -f "$REDIS_LOGFILE" ]; then
    log "last lines of $REDIS_LOGFILE:"
    tail -n 20 "$REDIS_LOGFILE" | sed 's/^/[services]   /' >&2
  fi
}

acquire_lock() {
  mkdir -p "$ROOT/.sitesim"
  command -v flock >/dev/null 2>&1 || return 0
  # fd 9 must not leak into the daemons we start (they would hold the lock forever): see `9>&-` below.
  exec 9>"$ROOT/.sitesim/.$MODE.lock"
  flock -w 120 9 || die "another 'scripts/services.sh' is still running for mode $MODE (lock $ROOT/.sitesim/.$MODE.lock)"
}

# ---------------------------------------------------------------- postgres

pg_options() {
  # Room for many processes (npm start -- --api N --workers M: up to SIM_DB_POOL_SIZE + 1 connections each).
  local pgopts="-p $PG_PORT -k $PG_SOCKET_DIR -c listen_addresses=localhost -c max_connections=300"
  if [ "$MODE" = test ]; then
    pgopts="$pgopts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  echo "$pgopts"
}

pg_init() {
  if [ -f "$PG_DATA/PG_VERSION" ]; then return 0; fi
  if [ -d "$PG_DATA" ] && [ -n "$(ls -A "$PG_DATA" 2>/dev/null)" ]; then
    log "removing incomplete data directory $PG_DATA (no PG_VERSION; an earlier initdb failed?)"
    rm -rf "$PG_DATA"
  fi
  mkdir -p "$PG_DATA"
  chmod 700 "$PG_DATA"
  is_root && chown postgres: "$PG_DATA"
  ensure_traversable "$PG_DATA"
  log "initialising PostgreSQL data directory $PG_DATA"
  local out=$STATE_DIR/initdb.log
  if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_SUPERUSER" --auth=trust -E UTF8 --locale=C.UTF-8 >"$out" 2>&1; then
    log "initdb with locale C.UTF-8 failed; retrying with locale C"
    rm -rf "$PG_DATA"
    mkdir -p "$PG_DATA" && chmod 700 "$PG_DATA"
    is_root && chown postgres: "$PG_DATA"
    if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_SUPERUSER" --auth=trust -E UTF8 --locale=C >"$out" 2>&1; then
      tail -n 20 "$out" | sed 's/^/[services]   initdb: /' >&2
      rm -rf "$PG_DATA"
      die "initdb failed (full output in $out)"
    fi
  fi
}

pg_fix_ownership() {
  is_root || return 0
  if [ "$(stat -c %U "$PG_DATA")" != postgres ] || [ -n "$(find "$PG_DATA" ! -user postgres -print -quit 2>/dev/null)" ]; then
    log "chown -R postgres $PG_DATA"
    chown -R postgres: "$PG_DATA"
  fi
  chmod 700 "$PG_DATA"
}

wait_for_pg() {
  local deadline=$((SECONDS + WAIT_SECONDS))
  until pg_is_up; do
    if ((SECONDS >= deadline)); then
      pg_tail_log
      die "PostgreSQL did not answer on port $PG_PORT within ${WAIT_SECONDS}s"
    fi
    sleep 0.2
  done
}

pg_ensure_database() {
  local have
  have=$(pg_sql "select 1 from pg_database where datname = '$DB_NAME'") \
    || die "PostgreSQL answers on port $PG_PORT but does not let '$PG_SUPERUSER' connect without a password; is another server using that port? (set SITESIM_PG_PORT)"
  if [ "$have" != 1 ]; then
    log "creating database $DB_NAME"
    pg_sql "create database $DB_NAME" >/dev/null 2>&1 \
      || [ "$(pg_sql "select 1 from pg_database where datname = '$DB_NAME'")" = 1 ] \
      || die "could not create database $DB_NAME on port $PG_PORT"
  fi
}

pg_up() {
  ensure_pg_tools
  if pg_is_up; then
    local dir
    dir=$(pg_sql "show data_directory" 2>/dev/null || true)
    if [ -n "$dir" ] && [ "$dir" != "$PG_DATA" ]; then
      log "note: PostgreSQL on port $PG_PORT is another instance (data dir $dir); using it"
    fi
    pg_ensure_database
    return 0
  fi
  ensure_postgres_user
  mkdir -p "$STATE_DIR"
  ensure_traversable "$STATE_DIR"
  pg_init
  pg_fix_ownership
  clean_stale_pg

  local pid
  pid=$(postmaster_pid || true)
  if is_our_postgres_pid "$pid"; then
    log "PostgreSQL (PID $pid) is running but not answering yet; waiting"
  else
    log "starting PostgreSQL ($MODE) on port $PG_PORT"
    local out
    if ! out=$(as_pg setsid -w "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -o "$(pg_options)" -w -t "$WAIT_SECONDS" start 2>&1 9>&-); then
      printf '%s\n' "$out" | sed 's/^/[services]   pg_ctl: /' >&2
      pg_tail_log
      die "PostgreSQL failed to start on port $PG_PORT (port taken by something else? set SITESIM_PG_PORT)"
    fi
  fi
  wait_for_pg
  pg_ensure_database
  log "PostgreSQL ready on 127.0.0.1:$PG_PORT"
}

pg_down() {
  if ! probe_pg_tools; then
    log "PostgreSQL: not installed, nothing to stop"
    return 0
  fi
  local pid
  pid=$(postmaster_pid || true)
  if [ -f "$PG_DATA/postmaster.pid" ] && is_our_postgres_pid "$pid"; then
    log "stopping PostgreSQL ($MODE, port $PG_PORT)"
    if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t "$WAIT_SECONDS" stop >/dev/null 2>&1; then
      log "fast stop did not finish; using immediate stop"
      as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
    fi
    if [ -f "$PG_DATA/postmaster.pid" ] && is_our_postgres_pid "$(postmaster_pid || true)"; then
      die "could not stop PostgreSQL (PID $pid)"
    fi
  else
    if pg_is_up; then
      log "PostgreSQL on port $PG_PORT was not started from $PG_DATA; leaving it alone"
    else
      log "PostgreSQL ($MODE) is already down"
    fi
    [ -f "$PG_DATA/postmaster.pid" ] && { kill_orphan_backends; rm -f "$PG_DATA/postmaster.pid"; }
  fi
  return 0
}

pg_status() {
  if ! probe_pg_tools; then
    echo "[services] postgres ($MODE): down (not installed)"
    return 1
  fi
  if pg_is_up; then
    echo "[services] postgres ($MODE): up on 127.0.0.1:$PG_PORT (data $(pg_sql "show data_directory" 2>/dev/null || echo '?'))"
    return 0
  fi
  echo "[services] postgres ($MODE): down (port $PG_PORT)"
  return 1
}

# ---------------------------------------------------------------- redis

redis_args() {
  local -a args=(--port "$REDIS_PORT" --bind 127.0.0.1 -::1 --protected-mode yes
    --dir "$REDIS_DIR" --daemonize yes --pidfile "$REDIS_PIDFILE" --logfile "$REDIS_LOGFILE")
  if [ "$MODE" = test ]; then
    args+=(--save '' --appendonly no)
  else
    args+=(--appendonly yes)
  fi
  printf '%s\0' "${args[@]}"
}

redis_up() {
  ensure_redis_tools
  if redis_is_up; then
    local dir
    dir=$(redis_dir_of_running || true)
    if [ -n "$dir" ] && [ "$dir" != "$REDIS_DIR" ]; then
      log "note: Redis on port $REDIS_PORT is another instance (dir $dir); using it"
    fi
    return 0
  fi
  mkdir -p "$REDIS_DIR"
  local pid=""
  [ -f "$REDIS_PIDFILE" ] && pid=$(tr -dc '0-9' <"$REDIS_PIDFILE" || true)
  if proc_alive "$pid" && [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = redis-server ]; then
    log "Redis (PID $pid) is running but not answering yet; waiting"
  else
    rm -f "$REDIS_PIDFILE"
    log "starting Redis ($MODE) on port $REDIS_PORT"
    local -a args
    mapfile -d '' -t args < <(redis_args)
    if ! setsid "$REDIS_SERVER" "${args[@]}" >/dev/null 2>&1 9>&-; then
      redis_tail_log
      die "redis-server failed to start on port $REDIS_PORT"
    fi
  fi
  local deadline=$((SECONDS + WAIT_SECONDS))
  until redis_is_up; do
    if ((SECONDS >= deadline)); then
      redis_tail_log
      die "Redis did not answer on port $REDIS_PORT within ${WAIT_SECONDS}s (port taken by something else? set SITESIM_REDIS_PORT)"
    fi
    sleep 0.1
  done
  log "Redis ready on 127.0.0.1:$REDIS_PORT"
}

redis_down() {
  if ! probe_redis_tools; then
    log "Redis: not installed, nothing to stop"
    return 0
  fi
  if ! redis_is_up; then
    log "Redis ($MODE) is already down"
    return 0
  fi
  local dir
  dir=$(redis_dir_of_running || true)
  if [ -n "$dir" ] && [ "$dir" != "$REDIS_DIR" ]; then
    log "Redis on port $REDIS_PORT was not started from $REDIS_DIR (its dir is $dir); leaving it alone"
    return 0
  fi
  log "stopping Redis ($MODE, port $REDIS_PORT)"
  if [ "$MODE" = test ]; then
    redis_cli shutdown nosave >/dev/null 2>&1 || true
  else
    redis_cli shutdown >/dev/null 2>&1 || true
  fi
  local deadline=$((SECONDS + WAIT_SECONDS))
  while redis_is_up; do
    ((SECONDS < deadline)) || die "Redis on port $REDIS_PORT did not shut down"
    sleep 0.1
  done
  return 0
}

redis_status() {
  if ! probe_redis_tools; then
    echo "[services] redis ($MODE): down (not installed)"
    return 1
  fi
  if redis_is_up; then
    echo "[services] redis ($MODE): up on 127.0.0.1:$REDIS_PORT (dir $(redis_dir_of_running || echo '?'))"
    return 0
  fi
  echo "[services] redis ($MODE): down (port $REDIS_PORT)"
  return 1
}

# ---------------------------------------------------------------- commands

cmd_up() {
  # Fast path: both already answer.
  if probe_pg_tools && probe_redis_tools && pg_is_up && redis_is_up; then
    pg_ensure_database
    log "PostgreSQL (127.0.0.1:$PG_PORT) and Redis (127.0.0.1:$REDIS_PORT) already up ($MODE)"
    return 0
  fi
  ensure_pg_tools
  ensure_redis_tools
  acquire_lock
  pg_up
  redis_up
}

cmd_down() {
  acquire_lock
  pg_down
  redis_down
}

cmd_status() {
  local rc=0
  pg_status || rc=1
  redis_status || rc=1
  return "$rc"
}

cmd_env() {
  echo "DATABASE_URL=postgres://$PG_SUPERUSER@127.0.0.1:$PG_PORT/$DB_NAME"
  echo "REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
}

usage() {
  cat >&2 <<EOF
usage: scripts/services.sh up|down|status|env
  SITESIM_SERVICES_MODE=dev|test (default dev); SITESIM_PG_PORT, SITESIM_REDIS_PORT override the ports.
  dev : postgres 55432, redis 6390 (data in .sitesim/dev)
  test: postgres 55433, redis 6391 (data in .sitesim/test, no durability)
EOF
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  -h | --help | help) usage ;;
  *)
    usage
    exit 2
    ;;
esac
