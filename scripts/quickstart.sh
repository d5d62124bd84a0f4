#!/usr/bin/env bash
# First command of the README's quick start: install what is missing (pnpm, and Redis through the
# system's package manager where there is one), install dependencies, then run the service.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else return 1; fi; }

if ! command -v pnpm >/dev/null 2>&1; then
  echo "quickstart: installing pnpm (npm i -g pnpm@12)"
  npm i -g pnpm@12 >/dev/null || as_root npm i -g pnpm@12 >/dev/null
fi

if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "quickstart: installing redis-server with apt-get"
    as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq redis-server >/dev/null
  elif command -v brew >/dev/null 2>&1; then
    echo "quickstart: installing redis with brew"
    brew install redis
  elif command -v dnf >/dev/null 2>&1; then
    as_root dnf install -y redis
  else
    echo "quickstart: no package manager found for Redis; set REDIS_URL or install redis-server, then run pnpm start."
  fi
fi

pnpm install --frozen-lockfile
exec pnpm start
