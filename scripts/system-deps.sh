#!/usr/bin/env bash
# Install the Debian/Ubuntu packages the portal needs, only those that are missing.
# Usage: scripts/system-deps.sh [--browser | --bench]
#   --browser  also Chromium for the browser tests (make test)
#   --bench    also nginx (the production proxy) and wrk (a load generator) for make bench
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

# fonts-dejavu-core: DejaVu Sans, the hearings' PDF protocol font (Kazakh letters; the
# setting RGIS_HEARINGS_PROTOCOL_FONT), and the browser tests' font.
want=(python3 python3-venv gdal-bin gettext postgresql postgresql-contrib fonts-dejavu-core)
case "${1:-}" in
  --browser) want+=(chromium) ;;
  --bench) want+=(nginx-light wrk) ;;
  "") ;;
  *) die "unknown option: $1 (expected --browser or --bench)" ;;
esac
command -v npm >/dev/null || want+=(nodejs npm)

command -v dpkg-query >/dev/null || die "no dpkg: install these yourself, then run make again: ${want[*]} and PostGIS 3 for your PostgreSQL"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }

missing=()
for pkg in "${want[@]}"; do installed "$pkg" || missing+=("$pkg"); done

# PostGIS must match the PostgreSQL server version (Debian 12: 15, Ubuntu 24.04: 16).
pg_version() {
  ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1
}
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
v=$(pg_version)
[ -n "$v" ] || die "PostgreSQL did not install: see the apt-get output above"
if ! installed "postgresql-$v-postgis-3"; then
  say "Installing PostGIS for PostgreSQL $v"
  export DEBIAN_FRONTEND=noninteractive
  installed "postgresql-$v" || as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "postgresql-$v-postgis-3" >/dev/null
fi
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "Python 3.11 or newer is needed; this python3 is $(python3 --version)"
