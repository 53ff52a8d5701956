#!/usr/bin/env sh
# Install what the tests need, then run lint, format check and the whole test suite.
# Used by developers and by CI (.ci/run) alike. Debian packages are installed when missing
# (needs root, as in CI); the tests that need them fail loudly without them, never skip.
set -eu
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# Debian packages: chromium (browser tests, static charts), poppler-utils (PDF pages to PNG) and
# postgresql (the data-access tests run on SQLite and on a real PostgreSQL server), nginx (the
# example reverse-proxy config in deploy/ is tested).
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
if [ -z "${TEST_POSTGRES_URL:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing="$missing postgresql"
fi
command -v pdftoppm >/dev/null 2>&1 || missing="$missing poppler-utils"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq $missing >/dev/null
  else
    echo "Missing Debian packages:$missing (run: sudo apt-get install$missing)" >&2
  fi
fi

# A throwaway PostgreSQL server for the data-access tests (unless TEST_POSTGRES_URL names one).
if [ -z "${TEST_POSTGRES_URL:-}" ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  pg_data=$(mktemp -d /tmp/dashboard-pg.XXXXXX)
  pg_port=55432
  as_postgres() { if [ "$(id -u)" = "0" ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
  [ "$(id -u)" = "0" ] && chown postgres "$pg_data"
  as_postgres "$pg_bin/initdb -D $pg_data -A trust -U postgres" >/dev/null
  as_postgres "$pg_bin/pg_ctl -D $pg_data -o '-p $pg_port -k $pg_data -c listen_addresses=localhost' -l $pg_data/server.log -w start" >/dev/null
  trap 'as_postgres "$pg_bin/pg_ctl -D $pg_data -m fast stop" >/dev/null 2>&1 || true' EXIT
  export TEST_POSTGRES_URL="postgresql+psycopg://postgres@localhost:$pg_port/postgres"
fi

# axe-core (accessibility checks in the browser tests), from the npm registry into a local folder.
[ -f .ci/node/node_modules/axe-core/axe.min.js ] || npm install --prefix .ci/node axe-core@4 --no-audit --no-fund --silent

python -m ruff check .
python -m ruff format --check .
lint-imports
python -m pytest "$@"
