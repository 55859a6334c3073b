#!/usr/bin/env bash
# A private PostgreSQL server with TimescaleDB, Apache AGE and pgvector (the "present" variants),
# beside the machine's own cluster and without touching it: the Debian PostgreSQL installation is
# copied into a relocated prefix (PostgreSQL finds share/ and lib/ relative to its binaries), the
# three extensions are built from source trees you fetched and installed into that prefix only, and
# a cluster of its own is initialised and started on its own port. See docs/present-server.md.
#
# Usage:
#   scripts/present-pg.sh build TIMESCALEDB_SRC AGE_SRC PGVECTOR_SRC   # copy prefix, build, install
#   scripts/present-pg.sh init                                        # initdb (once) + start
#   scripts/present-pg.sh start | stop | status | url
#
# The sources are git work trees checked out at the releases for PostgreSQL 15 (nothing of them is
# kept in this repository):
#   timescaledb 2.28.3 (the last release with PostgreSQL 15), age PG15/v1.6.0-rc0, pgvector v0.8.6
#
# Environment (defaults in brackets):
#   PG_MAJOR [15]              the Debian PostgreSQL major to copy (/usr/lib/postgresql/$PG_MAJOR)
#   PGX_PREFIX [/opt/pgx]      where the copy lives: $PGX_PREFIX/usr/{lib,share,include}/postgresql
#   PGX_DATA [/var/lib/observebridge-pgx]  data directory, server log and socket directory
#   PGX_PORT [5433]            TCP port on 127.0.0.1 (trust authentication: a test server only)
#   PGX_USER [postgres]        the OS user the server runs as when this script runs as root
#   JOBS [nproc]               parallel make jobs (TimescaleDB takes ~10 min on 2 cores)
#   PGVECTOR_OPTFLAGS [""]     "" = portable build; "-march=native" = upstream default
set -euo pipefail

PG_MAJOR=${PG_MAJOR:-15}
PGX_PREFIX=${PGX_PREFIX:-/opt/pgx}
PGX_DATA=${PGX_DATA:-/var/lib/observebridge-pgx}
PGX_PORT=${PGX_PORT:-5433}
PGX_USER=${PGX_USER:-postgres}
JOBS=${JOBS:-$(nproc)}
PGVECTOR_OPTFLAGS=${PGVECTOR_OPTFLAGS-}

SYS_LIB=/usr/lib/postgresql/$PG_MAJOR
SYS_SHARE=/usr/share/postgresql/$PG_MAJOR
BIN=$PGX_PREFIX$SYS_LIB/bin
PG_CONFIG=$BIN/pg_config

log() { printf '=== [%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'present-pg: %s\n' "$*" >&2; exit 1; }

# Runs a server binary as PGX_USER when we are root (initdb and postgres refuse root).
as_owner() {
  if [ "$(id -u)" = 0 ]; then su "$PGX_USER" -s /bin/sh -c "$(printf '%q ' "$@")"; else "$@"; fi
}

copy_prefix() {
  [ -x "$SYS_LIB/bin/postgres" ] || die "no $SYS_LIB/bin/postgres (install postgresql-$PG_MAJOR)"
  [ -f "/usr/include/postgresql/$PG_MAJOR/server/postgres.h" ] ||
    die "no server headers (install postgresql-server-dev-$PG_MAJOR)"
  log "copy PostgreSQL $PG_MAJOR into $PGX_PREFIX (the system installation is only read)"
  mkdir -p "$PGX_PREFIX/usr/lib/postgresql" "$PGX_PREFIX/usr/share/postgresql" "$PGX_PREFIX/usr/include"
  rm -rf "${PGX_PREFIX:?}$SYS_LIB" "${PGX_PREFIX:?}$SYS_SHARE" "${PGX_PREFIX:?}/usr/include/postgresql"
  cp -a "$SYS_LIB" "$PGX_PREFIX/usr/lib/postgresql/"
  cp -a "$SYS_SHARE" "$PGX_PREFIX/usr/share/postgresql/"
  cp -a /usr/include/postgresql "$PGX_PREFIX/usr/include/"
  # Relocation check: every directory pg_config reports must be inside the prefix, or `make install`
  # would write into the system installation.
  for d in --bindir --pkglibdir --sharedir --includedir-server; do
    case "$("$PG_CONFIG" "$d")" in "$PGX_PREFIX"/*) ;; *) die "pg_config $d is outside $PGX_PREFIX: relocation failed" ;; esac
  done
  echo "  $("$PG_CONFIG" --version) at $BIN" >&2
}

build() {
  local ts=${1:-} age=${2:-} vec=${3:-}
  [ -n "$ts" ] && [ -n "$age" ] && [ -n "$vec" ] || die "usage: $0 build TIMESCALEDB_SRC AGE_SRC PGVECTOR_SRC"
  [ -f "$ts/CMakeLists.txt" ] || die "$ts does not look like timescaledb"
  [ -f "$age/age.control" ] || die "$age does not look like apache age"
  [ -f "$vec/vector.control" ] || die "$vec does not look like pgvector"
  grep -q "is_supported_pg_version_$PG_MAJOR(version)" "$ts/src/compat/compat.h" 2>/dev/null ||
    die "the timescaledb checkout in $ts does not support PostgreSQL $PG_MAJOR (2.28.3 is the last that does)"
  # Checked up front: without flex/bison AGE's make stops deep in its parser with a message that
  # names neither, and a missing cmake shows only after pgvector and AGE are built.
  local missing=() t
  for t in make gcc cmake flex bison perl pkg-config; do command -v "$t" >/dev/null || missing+=("$t"); done
  [ ${#missing[@]} -eq 0 ] ||
    die "missing build tools: ${missing[*]} (Debian: apt-get install build-essential cmake flex bison perl pkg-config libssl-dev libkrb5-dev)"
  copy_prefix
  log "pgvector"
  make -C "$vec" PG_CONFIG="$PG_CONFIG" clean >/dev/null
  make -C "$vec" -j"$JOBS" PG_CONFIG="$PG_CONFIG" OPTFLAGS="$PGVECTOR_OPTFLAGS" >/dev/null
  make -C "$vec" PG_CONFIG="$PG_CONFIG" OPTFLAGS="$PGVECTOR_OPTFLAGS" install >/dev/null
  log "apache age"
  make -C "$age" PG_CONFIG="$PG_CONFIG" clean >/dev/null
  make -C "$age" -j"$JOBS" PG_CONFIG="$PG_CONFIG" >/dev/null
  make -C "$age" PG_CONFIG="$PG_CONFIG" install >/dev/null
  log "timescaledb (the long one)"
  rm -rf "$ts/build"
  cmake -S "$ts" -B "$ts/build" -DPG_CONFIG="$PG_CONFIG" -DCMAKE_BUILD_TYPE=Release \
    -DREGRESS_CHECKS=OFF -DTAP_CHECKS=OFF -DWARNINGS_AS_ERRORS=OFF -DSEND_TELEMETRY_DEFAULT=OFF >/dev/null
  cmake --build "$ts/build" -j "$JOBS" >/dev/null
  cmake --install "$ts/build" >/dev/null
  local lib; lib=$("$PG_CONFIG" --pkglibdir)
  for f in vector.so age.so timescaledb.so; do [ -e "$lib/$f" ] || die "not installed: $lib/$f"; done
  log "installed into $lib (the system's $SYS_LIB/lib is unchanged)"
}

init() {
  [ -x "$BIN/initdb" ] || die "no $BIN/initdb: run '$0 build ...' first"
  if [ ! -f "$PGX_DATA/data/PG_VERSION" ]; then
    log "initdb $PGX_DATA/data"
    mkdir -p "$PGX_DATA/run"
    [ "$(id -u)" = 0 ] && chown -R "$PGX_USER" "$PGX_DATA"
    as_owner "$BIN/initdb" -D "$PGX_DATA/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >>"$PGX_DATA/data/postgresql.conf" <<EOF
# ObserveBridge "present" test server (scripts/present-pg.sh)
port = $PGX_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PGX_DATA/run'
shared_preload_libraries = 'timescaledb'
timescaledb.telemetry_level = off
max_connections = 200
log_lock_waits = on
EOF
  fi
  start
}

running() { as_owner "$BIN/pg_ctl" -D "$PGX_DATA/data" status >/dev/null 2>&1; }

start() {
  if running; then echo "already running: $(url)"; return; fi
  as_owner "$BIN/pg_ctl" -D "$PGX_DATA/data" -l "$PGX_DATA/server.log" -w start >/dev/null ||
    { tail -20 "$PGX_DATA/server.log" >&2; die "server did not start"; }
  psql -X -h 127.0.0.1 -p "$PGX_PORT" -U postgres -Atqc \
    "SELECT 1 FROM pg_database WHERE datname = 'observebridge_test'" postgres | grep -q 1 ||
    psql -X -h 127.0.0.1 -p "$PGX_PORT" -U postgres -Atqc 'CREATE DATABASE observebridge_test' postgres
  psql -X -h 127.0.0.1 -p "$PGX_PORT" -U postgres -Atqc \
    "SELECT string_agg(name || ' ' || default_version, ', ' ORDER BY name) FROM pg_available_extensions
      WHERE name IN ('timescaledb', 'age', 'vector')" postgres | sed 's/^/  offers: /' >&2
  echo "running: $(url)"
}

stop() { as_owner "$BIN/pg_ctl" -D "$PGX_DATA/data" -m fast stop; }
url() { echo "postgres://postgres@127.0.0.1:$PGX_PORT/observebridge_test"; }

cmd=${1:-}; shift || true
case "$cmd" in
  build) build "$@" ;;
  init) init ;;
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running: $(url)"; else echo "stopped"; exit 1; fi ;;
  url) url ;;
  *) die "usage: $0 build TIMESCALEDB_SRC AGE_SRC PGVECTOR_SRC | init | start | stop | status | url" ;;
esac
