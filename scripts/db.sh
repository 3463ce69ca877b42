#!/usr/bin/env bash
# Make sure a PostGIS database answers at DATABASE_URL.
#
# With the default URL (postgis://rgis:rgis@127.0.0.1:5432/rgis) a PostgreSQL server
# already answering on this machine is used; otherwise the local cluster is started, or
# created. The role `rgis` is a superuser of this *development* server so that the test
# runner can create its test database with PostGIS in it.
# With any other DATABASE_URL the script only checks it: your server, your rules.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

default_url="postgis://rgis:rgis@127.0.0.1:5432/rgis"
url="${DATABASE_URL:-$default_url}"

if [ "$url" = "$default_url" ]; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    if pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -q "^$version main$"; then
      say "Starting the local PostgreSQL $version cluster"
    else
      say "Creating a local PostgreSQL $version cluster"
      as_root pg_createcluster "$version" main >/dev/null
    fi
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
      || as_root pg_ctlcluster "$version" main start
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL $version did not start: see /var/log/postgresql/"
  fi

  # Superuser access: the postgres account over the socket, or trust on 127.0.0.1.
  psql_admin() {
    if as_postgres psql -XqAt -c "select 1" >/dev/null 2>&1; then as_postgres psql -XqAt "$@"
    else psql -XqAt -h 127.0.0.1 -U postgres "$@"; fi
  }
  if ! psql_admin -c "select 1" >/dev/null 2>&1; then
    if PGPASSWORD=rgis psql -XqAt -h 127.0.0.1 -U rgis -d rgis -c "select 1" >/dev/null 2>&1; then
      exit 0  # already set up, and we are not allowed to look further
    fi
    die "PostgreSQL answers on 127.0.0.1:5432 but neither the postgres account nor the role rgis can log in.
Create them yourself:  CREATE ROLE rgis LOGIN SUPERUSER PASSWORD 'rgis'; CREATE DATABASE rgis OWNER rgis;
or point DATABASE_URL at another server."
  fi
  if [ "$(psql_admin -c "select 1 from pg_roles where rolname = 'rgis'")" != 1 ]; then
    say "Creating the development role rgis"
    psql_admin -c "CREATE ROLE rgis LOGIN SUPERUSER PASSWORD 'rgis'" >/dev/null
  fi
  if [ "$(psql_admin -c "select 1 from pg_database where datname = 'rgis'")" != 1 ]; then
    say "Creating the database rgis"
    psql_admin -c "CREATE DATABASE rgis OWNER rgis" >/dev/null
  fi
  psql_admin -d rgis -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null 2>&1 || \
    die "PostGIS is not installed for the PostgreSQL server on 127.0.0.1:5432 (server version $(psql_admin -c 'show server_version')).
Install the postgresql-<version>-postgis-3 package that matches it."
fi
