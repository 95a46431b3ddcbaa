#!/usr/bin/env bash
# Creates or refreshes the project's two Python environments from their lock
# files. Cheap when nothing changed: each environment keeps the hash of the
# lock it was built from.
#   .venv       current Python (3.11+): API, gateway, tests, benchmarks
#   .venv-rasa  Python 3.10: Rasa Open Source 3.6 and the action server
#   node_modules  axe-core for the browser tests, Chart.js for the console's board (npm ci from package-lock.json)
set -euo pipefail
cd "$(dirname "$0")/.."

find_python310() {
  if command -v python3.10 >/dev/null 2>&1 && python3.10 -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
    command -v python3.10
    return
  fi
  for candidate in "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
    [ -x "$candidate" ] && { echo "$candidate"; return; }
  done
  echo "Python 3.10 not found: Rasa 3.6 needs it (pyenv install 3.10)." >&2
  exit 1
}

find_python_current() {
  for candidate in python3.11 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
      command -v "$candidate"
      return
    fi
  done
  echo "Python 3.11 or newer not found." >&2
  exit 1
}

quiet_pip() {  # quiet_pip DIR ARGS...: pip without its noise, failing when pip fails
  local dir=$1
  shift
  "$dir/bin/python" -m pip --quiet --disable-pip-version-check "$@" 2> >(grep -v 'is ignored' >&2)
}

ensure_env() {  # ensure_env DIR PYTHON LOCK
  local dir=$1 python=$2 lock=$3
  local want have=""
  want=$(sha256sum "$lock" | cut -d' ' -f1)
  [ -f "$dir/.lock-hash" ] && have=$(cat "$dir/.lock-hash")
  if [ "$want" = "$have" ] && [ -x "$dir/bin/python" ]; then
    return
  fi
  echo "Installing $dir from $lock ..."
  [ -x "$dir/bin/python" ] || "$python" -m venv "$dir"
  quiet_pip "$dir" install --upgrade pip wheel
  quiet_pip "$dir" install -r "$lock"
  "$dir/bin/python" -m pip check
  echo "$want" > "$dir/.lock-hash"
}

ensure_env .venv "$(find_python_current)" requirements/app.lock
ensure_env .venv-rasa "$(find_python310)" requirements/rasa.lock

# node_modules/: the browser tests' JavaScript tools (axe-core) and the console's charts (Chart.js), from package-lock.json.
ensure_node_modules() {
  local want have=""
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "node and npm not found: the browser tests need them for axe-core (apt-get install nodejs npm)." >&2
    exit 1
  fi
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  [ -f node_modules/.lock-hash ] && have=$(cat node_modules/.lock-hash)
  if [ "$want" = "$have" ] && [ -f node_modules/axe-core/axe.min.js ] && [ -f node_modules/chart.js/dist/chart.umd.min.js ]; then
    vendor_chart_js
    return
  fi
  echo "Installing node_modules from package-lock.json ..."
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$want" > node_modules/.lock-hash
  vendor_chart_js
}

# The console's board draws its charts with Chart.js, served from its own static files (console/static/vendor/,
# git-ignored): the version package-lock.json pins.
vendor_chart_js() {
  mkdir -p console/static/vendor
  cmp -s node_modules/chart.js/dist/chart.umd.min.js console/static/vendor/chart.umd.min.js \
    || cp node_modules/chart.js/dist/chart.umd.min.js console/static/vendor/chart.umd.min.js
}

ensure_node_modules
