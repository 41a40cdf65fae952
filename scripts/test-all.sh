#!/usr/bin/env bash
# The whole test suite, as CI runs it on a fresh machine: installs dependencies, makes sure the database
# servers the integration tests talk to are up on loopback, builds, lints and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '== %s\n' "$*" >&2; }

wait_for() { # name, check command...
  local name=$1; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  log "$name did not come up"; return 1
}

ensure_postgres() {
  if pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then return; fi
  log "starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  wait_for PostgreSQL pg_isready -h 127.0.0.1 -p 5432
}

ensure_mariadb() {
  if mysqladmin --protocol=tcp -h 127.0.0.1 -P 3306 -u root ping >/dev/null 2>&1; then return; fi
  log "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
  wait_for MariaDB mysqladmin --protocol=tcp -h 127.0.0.1 -P 3306 -u root ping
}

ensure_prometheus() { # the report tests run a real Prometheus with backfilled history (promtool)
  if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then return; fi
  log "installing Prometheus"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus
}

# The experiment runner's tests run real OpenSSH servers on 127.x addresses and the system ping.
ensure_ssh_tools() {
  if [ ! -x /usr/sbin/sshd ] || ! command -v ping >/dev/null 2>&1; then
    log "installing openssh-server and iputils-ping"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssh-server iputils-ping
  fi
  mkdir -p -m 0755 /run/sshd   # sshd's privilege separation folder; /run is emptied at boot
}

# The dashboard's end-to-end tests (test/dashboard) drive Debian's Chromium through playwright-core.
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return; fi
  log "installing chromium"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium   # with its recommended fonts
}

# Otava's graphite tests (test/otava/otava-graphite.integration.test.ts) start Debian's carbon-cache and
# graphite-web on loopback, each with its own configuration in a temporary folder.
ensure_graphite() {
  if command -v carbon-cache >/dev/null 2>&1 && command -v graphite-manage >/dev/null 2>&1; then return; fi
  log "installing graphite-carbon and graphite-web"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends graphite-carbon graphite-web
}

ensure_postgres
ensure_mariadb
ensure_prometheus
ensure_ssh_tools
ensure_chromium
ensure_graphite

log "installing dependencies"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

log "lint (typecheck + eslint)"
npm run lint

log "tests"
npm test

# A test that writes into the checkout (for instance `analyze` without a save path writes Orion's default
# output_*/data-* files into the working directory) leaves files that end up committed: fail instead.
stray=$(git ls-files --others --exclude-standard 2>/dev/null || true)
if [ -n "$stray" ]; then
  log "tests left files in the checkout (send them to a temporary folder):"
  printf '%s\n' "$stray" >&2
  exit 1
fi
