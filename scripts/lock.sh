#!/usr/bin/env bash
# Re-resolves both environments from requirements/*.in into requirements/*.lock
# (exact versions of everything installed). Run after changing a .in file.
set -euo pipefail
cd "$(dirname "$0")/.."
source <(sed -n '/^find_python310()/,/^}/p; /^find_python_current()/,/^}/p' scripts/bootstrap.sh)
lock() {  # lock PYTHON IN LOCK
  local tmp
  tmp=$(mktemp -d)
  "$1" -m venv "$tmp/venv"
  "$tmp/venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip wheel
  "$tmp/venv/bin/pip" install --quiet --disable-pip-version-check -r "$2"
  "$tmp/venv/bin/pip" freeze --exclude-editable | grep -v '^-e' > "$3"
  rm -rf "$tmp"
  echo "wrote $3"
}
lock "$(find_python_current)" requirements/app.in requirements/app.lock
lock "$(find_python310)" requirements/rasa.in requirements/rasa.lock
