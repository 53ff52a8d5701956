#!/usr/bin/env sh
# Install what the tests need, then run lint, format check and the whole test suite.
# Used by developers and by CI (.ci/run) alike. Debian's chromium is installed when missing
# (needs root, as in CI); the browser tests fail loudly without it rather than being skipped.
set -eu
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  else
    echo "Debian chromium is missing: run 'sudo apt-get install chromium' (browser tests need it)" >&2
  fi
fi

python -m ruff check .
python -m ruff format --check .
python -m pytest "$@"
