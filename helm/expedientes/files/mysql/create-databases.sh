#!/bin/bash
# Runs once, when the MariaDB data directory is first initialised (the image's
# /docker-entrypoint-initdb.d): one database per service that keeps its data in MySQL, each
# granted to the application user. Shared by docker-compose.yml and the Helm chart.
# MYSQL_DATABASES lists them; the image's entry point provides docker_process_sql.
set -eu
for database in ${MYSQL_DATABASES:?}; do
  docker_process_sql --database=mysql <<SQL
CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
GRANT ALL PRIVILEGES ON \`${database}\`.* TO '${MARIADB_USER}'@'%';
SQL
done
