#!/usr/bin/env sh
# Install what the tests need, then run lint, format check and the whole test suite.
# Used by developers and by CI (.ci/run) alike. Debian packages are installed when missing
# (needs root, as in CI); the tests that need them fail loudly without them, never skip.
set -eu
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# Debian packages: chromium (browser tests, static charts) and poppler-utils (PDF pages to PNG).
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v pdftoppm >/dev/null 2>&1 || missing="$missing poppler-utils"
if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq $missing >/dev/null
  else
    echo "Missing Debian packages:$missing (run: sudo apt-get install$missing)" >&2
  fi
fi

python -m ruff check .
python -m ruff format --check .
python -m pytest "$@"
