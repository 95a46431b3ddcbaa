#!/usr/bin/env bash
# What the tests and the production profile need outside Python: PostgreSQL
# (127.0.0.1:5432), Redis (127.0.0.1:6379), RabbitMQ (127.0.0.1:5672,
# guest/guest) and Debian's chromium (the web chat is tested in a real
# browser). Starts what is installed but stopped, installs what is missing
# (Debian packages, when we are root or have sudo), and otherwise stops with
# one sentence saying what to install. Quiet when all is there.
# Usage: ensure_test_services.sh [postgresql] [redis] [rabbitmq] [chromium]
set -euo pipefail

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

listening() {  # listening PORT: something accepts TCP connections on 127.0.0.1:PORT
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_for() {  # wait_for PORT SECONDS
  local port=$1 seconds=$2
  for _ in $(seq 1 "$seconds"); do
    listening "$port" && return 0
    sleep 1
  done
  return 1
}

apt_updated=""
install_debian() {  # install_debian PACKAGE...: apt-get install, or say what to install and stop
  if ! command -v apt-get >/dev/null 2>&1 || { [ -n "$SUDO" ] && ! command -v sudo >/dev/null 2>&1; }; then
    echo "Missing: install $* (Debian/Ubuntu: apt-get install $*), then run this again." >&2
    exit 1
  fi
  echo "Installing $* (Debian packages) ..."
  if [ -z "$apt_updated" ]; then
    $SUDO apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

fail() {  # fail SERVICE PORT HINT
  echo "$1 is not reachable on 127.0.0.1:$2 and could not be started here: $3" >&2
  exit 1
}

ensure_postgresql() {
  pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && return
  command -v pg_ctlcluster >/dev/null 2>&1 || install_debian postgresql
  echo "Starting PostgreSQL ..."
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  [ -n "$version" ] && $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -q -h 127.0.0.1 -p 5432 ||
    fail PostgreSQL 5432 "install and start PostgreSQL (apt-get install postgresql) with trust auth for 127.0.0.1."
}

ensure_redis() {
  listening 6379 && return
  command -v redis-server >/dev/null 2>&1 || install_debian redis-server
  echo "Starting Redis ..."
  $SUDO redis-server --bind 127.0.0.1 --port 6379 --daemonize yes >/dev/null
  wait_for 6379 15 || fail Redis 6379 "install and start Redis (apt-get install redis-server)."
}

ensure_rabbitmq() {
  listening 5672 && return
  command -v rabbitmq-server >/dev/null 2>&1 || install_debian rabbitmq-server
  echo "Starting RabbitMQ (takes a few seconds) ..."
  $SUDO rabbitmq-server -detached >/dev/null 2>&1 || true
  wait_for 5672 60 || fail RabbitMQ 5672 "install and start RabbitMQ (apt-get install rabbitmq-server)."
}

ensure_chromium() {
  [ -x /usr/bin/chromium ] && return
  install_debian chromium
}

# Arguments name what to check (the production profile: postgresql redis rabbitmq); none, all of it.
[ $# -gt 0 ] || set -- postgresql redis rabbitmq chromium
for service in "$@"; do
  case "$service" in
    postgresql | redis | rabbitmq | chromium) "ensure_$service" ;;
    *) echo "unknown service: $service (postgresql, redis, rabbitmq, chromium)" >&2; exit 2 ;;
  esac
done
