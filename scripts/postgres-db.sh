#!/usr/bin/env bash
# `make postgres-db`: a PostgreSQL login role with a password and a database it owns, created from
# template0 with a UTF-8 ctype (pg_trgm indexes Chinese only then). Leaves what exists alone, so
# it can be re-run; `make postgres-db-drop` (this script with `drop`) removes both again.
# Settings from the environment (the Makefile passes its PG_* variables):
#   PG_DB, PG_USER, PG_PASSWORD, PG_HOST, PG_PORT, PG_ROLE_ATTRS (CREATEDB: `make test` creates
#   its test databases as this role).
# It runs SQL as PostgreSQL's superuser: PG_SUPERUSER_PSQL if set (e.g. "psql -h db -U admin"),
# else `psql -h $PG_HOST -U postgres` when that connects without asking for a password (trust,
# PGPASSWORD, ~/.pgpass), else the `postgres` system account over the local socket (a fresh
# Debian/Ubuntu cluster: peer authentication), through runuser as root and sudo otherwise.
set -euo pipefail

db=${PG_DB:-spotcheck}
user=${PG_USER:-$db}
password=${PG_PASSWORD:-$user}
host=${PG_HOST:-127.0.0.1}
port=${PG_PORT:-5432}
attrs=${PG_ROLE_ATTRS:-CREATEDB}

fail() { echo "postgres-db: $*" >&2; exit 1; }
# Plain names only: they go into a URL and into SQL.
for pair in "PG_DB=$db" "PG_USER=$user"; do
  [[ ${pair#*=} =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || fail "${pair%%=*} must be a lower-case name (a-z, 0-9, _), got '${pair#*=}'"
done
[[ $attrs =~ ^[A-Z\ ]*$ ]] || fail "PG_ROLE_ATTRS must be role attributes such as CREATEDB, got '$attrs'"
[ -n "$password" ] || fail "PG_PASSWORD is empty: connections over TCP need a password"

if [ -n "${PG_SUPERUSER_PSQL:-}" ]; then
  read -r -a su_psql <<<"$PG_SUPERUSER_PSQL"
elif psql -X -w -h "$host" -p "$port" -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then
  su_psql=(psql -h "$host" -p "$port" -U postgres)
elif [ "$(id -u)" = 0 ]; then
  su_psql=(runuser -u postgres -- psql -p "$port")
else
  su_psql=(sudo -u postgres psql -p "$port")
fi
# From / so that the postgres account can read its working directory.
as_superuser() { (cd / && "${su_psql[@]}" -X -q -v ON_ERROR_STOP=1 -d postgres "$@"); }

if [ "${1:-}" = drop ]; then
  as_superuser -v db="$db" -v user="$user" <<'SQL'
SET client_min_messages = warning;
SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', :'db') \gexec
SELECT format('DROP ROLE IF EXISTS %I', :'user') \gexec
SQL
  echo "postgres-db: dropped database $db and role $user"
  exit 0
fi

as_superuser -v db="$db" -v user="$user" -v password="$password" -v attrs="$attrs" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN %s PASSWORD %L', :'user', :'attrs', :'password')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'user') \gexec
SELECT format('CREATE DATABASE %I OWNER %I TEMPLATE template0 ENCODING %L LC_COLLATE %L LC_CTYPE %L',
              :'db', :'user', 'UTF8', 'C.UTF-8', 'C.UTF-8')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL

# A database made earlier by other means may lack what the platform needs: say so now.
read -r ctype owner < <(as_superuser -At -F ' ' -v db="$db" <<'SQL'
SELECT d.datctype, r.rolname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = :'db'
SQL
)
shopt -s nocasematch
[[ $ctype =~ utf-?8 ]] || fail "database $db exists with ctype '$ctype', not UTF-8 (pg_trgm cannot index Chinese): drop it (make postgres-db-drop) and re-run"
[ "$owner" = "$user" ] || fail "database $db exists but belongs to $owner, not $user: drop it or choose another PG_DB"
PGPASSWORD=$password psql -X -w -h "$host" -p "$port" -U "$user" -d "$db" -Atc 'select 1' >/dev/null \
  || fail "role $user cannot log in to $db over TCP with its password (check pg_hba.conf, or the role's password if it existed before)"
echo "postgres-db: database $db (ctype $ctype) owned by role $user, ready:"
echo "  DATABASE_URL=postgres://$user:$password@$host:$port/$db"
