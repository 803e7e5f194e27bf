#!/bin/bash
# One database per service that keeps its data in MySQL, and one user per database, of the
# same name, granted that database only: the search service's user cannot read auth's users.
# Runs once, when the MariaDB data directory is first initialised (the image's
# /docker-entrypoint-initdb.d), for docker-compose.yml and the Helm chart alike; and on every
# `scripts/test-servers.sh up`, which brings existing users back to these grants.
#   MYSQL_DATABASES          the databases (and users), e.g. "auth expedientes bpm search gateway"
#   <DATABASE>_MYSQL_PASSWORD each user's password (AUTH_MYSQL_PASSWORD, ...), required
#   MYSQL_PREFIXED_DATABASES yes: each user also gets every database named <database>_*
#                            (the test servers, whose suites create databases of their own)
# The image's entry point provides docker_process_sql (the test servers, a stand-in).
set -eu

# A value inside '...' in SQL: backslashes and quotes doubled.
sql_string() {
  local value="${1//\\/\\\\}"
  printf "'%s'" "${value//\'/\'\'}"
}

for database in ${MYSQL_DATABASES:?}; do
  [[ $database =~ ^[a-z][a-z0-9_]*$ ]] || {
    echo "create-databases: bad database name '$database'" >&2
    exit 1
  }
  variable="$(printf '%s' "$database" | tr '[:lower:]' '[:upper:]')_MYSQL_PASSWORD"
  password="${!variable:-}"
  [[ -n $password ]] || {
    echo "create-databases: $variable is required (the $database user's password)" >&2
    exit 1
  }
  prefixed=''
  if [[ ${MYSQL_PREFIXED_DATABASES:-} == yes ]]; then
    prefixed="GRANT ALL PRIVILEGES ON \`${database//_/\\_}\\_%\`.* TO '$database'@'%';"
  fi
  docker_process_sql --database=mysql <<SQL
CREATE DATABASE IF NOT EXISTS \`$database\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$database'@'%' IDENTIFIED BY $(sql_string "$password");
ALTER USER '$database'@'%' IDENTIFIED BY $(sql_string "$password");
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '$database'@'%';
GRANT ALL PRIVILEGES ON \`$database\`.* TO '$database'@'%';
$prefixed
SQL
done
