#!/usr/bin/env bash
# Real servers for the expedientes integration tests, without Docker:
#
#   Kafka    single-node KRaft broker+controller, jars from Maven Central
#            (scripts/servers/kafka/pom.xml); SASL_PLAINTEXT (SCRAM-SHA-512)
#            with ACLs: a user per service, shared-kernel/kafka-acls.json
#   MariaDB  Debian's mariadb-server, run as a private instance with its own
#            data dir (the system service is never used)
#   MongoDB  FerretDB v1 (MongoDB wire protocol) through a small launcher of
#            ours (scripts/servers/ferretdb/), on one of its two backends
#            (FERRETDB_BACKEND):
#              postgresql  Debian's postgresql, run as a private instance
#                          (its own data dir, port and users; the system
#                          service is never used); started before FerretDB,
#                          stopped after it
#              sqlite      SQLite files in the run dir
#
# Usage: scripts/test-servers.sh up|down|env|status|clean
#
#   up      prepare what is missing (apt/mvn/go, cached), start the servers
#           that are not running, wait until each really answers, then print
#           the environment (as `env` does) on stdout. Idempotent.
#   down    stop the servers (SIGTERM, PostgreSQL SIGINT, after FerretDB;
#           then SIGKILL after a grace period).
#   env     print `export ...` lines: eval "$(scripts/test-servers.sh env)":
#           KAFKA_BROKERS; MYSQL_URL and MONGODB_URL, the servers' administrator;
#           KAFKA_SASL_MECHANISM/USERNAME/PASSWORD, Kafka's administrator (a super
#           user); <SERVICE>_MYSQL_URL, <SERVICE>_MONGODB_URL, each service's own
#           user, granted only its databases, and <SERVICE>_KAFKA_SASL_PASSWORD, its
#           Kafka user's (SCRAM-SHA-512, user name = the service's), allowed its
#           ACLs only, as deployed (the services' suites use them)
#   status  show which servers run.
#   clean   down, then delete the run dir (all data and logs).
#
# Settings (environment):
#   KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), MYSQL_PORT (3306),
#   MONGODB_PORT (27017), POSTGRES_PORT (5432)
#   FERRETDB_BACKEND    postgresql (default) or sqlite: FerretDB's storage
#   FERRETDB_GOGC       Go's GOGC for FerretDB (default 400)
#   POSTGRES_BIN_DIR    PostgreSQL's programs (default: the newest
#                       /usr/lib/postgresql/<version>/bin)
#   POSTGRES_OS_USER    the unprivileged user PostgreSQL runs as when this
#                       script runs as root (default postgres, which Debian's
#                       package creates); otherwise it runs as the caller
#   TEST_SERVERS_DIR    data, pid files, logs and the generated passwords
#                       (default <repo>/.servers)
#   TEST_SERVERS_CACHE  downloaded jars, built binaries
#                       (default ~/.cache/expedientes-test-servers)
#   TEST_SERVERS_TIMEOUT  seconds to wait for each server (default 120)
#
# Progress goes to stderr; only the environment goes to stdout.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVERS_SRC="$REPO_DIR/scripts/servers"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
MYSQL_PORT="${MYSQL_PORT:-3306}"
MONGODB_PORT="${MONGODB_PORT:-27017}"
POSTGRES_PORT="${POSTGRES_PORT:-5432}"
FERRETDB_BACKEND="${FERRETDB_BACKEND:-postgresql}"
POSTGRES_OS_USER="${POSTGRES_OS_USER:-postgres}"
RUN_DIR="${TEST_SERVERS_DIR:-$REPO_DIR/.servers}"
[[ $RUN_DIR == /* ]] || RUN_DIR="$PWD/$RUN_DIR"
CACHE_DIR="${TEST_SERVERS_CACHE:-$HOME/.cache/expedientes-test-servers}"
TIMEOUT="${TEST_SERVERS_TIMEOUT:-120}"

HOST=127.0.0.1
# The administrator the tests' MYSQL_URL names (every database; the suites of shared-kernel
# and the end-to-end tests use it).
MYSQL_DB=expedientes
MYSQL_USER="admin"
MONGODB_DB=expedientes
# FerretDB's PostgreSQL database and role (each MongoDB database is a schema in it). The role
# owns the database and is the MongoDB server's administrator (MONGODB_URL).
PG_DB=ferretdb
PG_USER=ferretdb
# A user per service, as the deployments have (helm/expedientes/files/mysql/create-databases.sh,
# helm/expedientes/files/mongodb/create-users.js), each granted its own database and those
# named <database>_* (the suites' own): <SERVICE>_MYSQL_URL, <SERVICE>_MONGODB_URL.
MYSQL_ACCOUNTS=(auth expedientes bpm search gateway)
MONGODB_ACCOUNTS=(expedientes documents)
# Kafka's super user, and a SCRAM user per process of shared-kernel/kafka-acls.json (its
# "principals"), allowed what that table says: <SERVICE>_KAFKA_SASL_PASSWORD.
KAFKA_ADMIN="admin"
mapfile -t KAFKA_PRINCIPALS < <(node -e '
  const table = require(process.argv[1]);
  for (const name of Object.keys(table.principals)) console.log(name);
' "$REPO_DIR/shared-kernel/kafka-acls.json")
((${#KAFKA_PRINCIPALS[@]})) || { echo "no Kafka principals in shared-kernel/kafka-acls.json" >&2; exit 1; }

# ---------------------------------------------------------------- helpers ---

log() { printf '[test-servers %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for p in KAFKA_PORT KAFKA_CONTROLLER_PORT MYSQL_PORT MONGODB_PORT POSTGRES_PORT TIMEOUT; do
  [[ "${!p}" =~ ^[0-9]+$ ]] || die "$p must be a number, got '${!p}'"
done
case "$FERRETDB_BACKEND" in
  postgresql | sqlite) ;;
  *) die "FERRETDB_BACKEND must be postgresql or sqlite, got '$FERRETDB_BACKEND'" ;;
esac

# The password of $1, generated at its first use and kept in the run dir, readable by its
# owner only. Letters and digits: it stands in URLs and SQL as it is.
password() {
  local file="$RUN_DIR/$1.password"
  if [[ ! -s "$file" ]]; then
    mkdir -p "$RUN_DIR"
    (umask 077 && head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$file.tmp" &&
      mv "$file.tmp" "$file")
  fi
  cat "$file"
}

# True when something accepts TCP connections on $HOST:$1 (bash's /dev/tcp,
# so no nc/ss is needed).
port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

pid_file() { echo "$RUN_DIR/$1.pid"; }
log_file() { echo "$RUN_DIR/$1.log"; }

# Markers that must appear in /proc/<pid>/cmdline, so that a stale pid file
# whose pid was reused by an unrelated process is not taken for our server.
cmd_marker() {
  case "$1" in
    kafka) echo "kafka.Kafka" ;;
    mariadb) echo "mariadbd" ;;
    ferretdb) echo "ferretdb-launcher" ;;
    postgres) echo "bin/postgres" ;;
  esac
}

# Prints the pid of server $1 if it is running, else nothing (and status 1).
running_pid() {
  local f pid
  f="$(pid_file "$1")"
  [[ -s "$f" ]] || return 1
  pid="$(<"$f")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$(cmd_marker "$1")" || return 1
  echo "$pid"
}

# Starts "$@" in the background as server $name, detached from this shell's
# session (setsid) so that Ctrl-C in the terminal that ran `up` does not reach
# it, with stdout+stderr appended to its log, and records its pid.
spawn() {
  local name="$1"; shift
  local logf
  logf="$(log_file "$name")"
  printf '\n===== %s start %s =====\n' "$name" "$(date -Is)" >>"$logf"
  # setsid execs the command in place (this background child is not a process
  # group leader), so $! is the server's own pid.
  setsid "$@" </dev/null >>"$logf" 2>&1 &
  echo $! >"$(pid_file "$name")"
}

# True when server $1's log has a line containing the text $2 (not a regex)
# since its last start banner (a log is appended to across restarts, and old
# "ready" lines must not count). One awk pass over the file and no pipe:
# `tail ... | grep -q` under pipefail failed with status 141 once the log had
# grown, as grep exits at its first match and tail dies of SIGPIPE.
log_has_since_start() {
  awk -v banner="===== $1 start" -v want="$2" '
    index($0, banner) == 1 { found = 0; next }
    index($0, want) { found = 1 }
    END { exit !found }
  ' "$(log_file "$1")"
}

fail_with_log() {
  local name="$1" msg="$2"
  log "ERROR: $name: $msg"
  log "---- last 40 lines of $(log_file "$name") ----"
  tail -n 40 "$(log_file "$name")" >&2 || true
  log "----"
  exit 1
}

# wait_until NAME DESCRIPTION COMMAND...: retries COMMAND every half second
# until it succeeds; fails (with the server's log) when the server died or
# after $TIMEOUT seconds.
wait_until() {
  local name="$1" what="$2"; shift 2
  local deadline=$((SECONDS + TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    running_pid "$name" >/dev/null || fail_with_log "$name" "process exited while waiting for: $what"
    ((SECONDS < deadline)) || fail_with_log "$name" "timed out after ${TIMEOUT}s waiting for: $what"
    sleep 0.5
  done
}

# A port we are about to listen on must be free, or the server would fail
# with a less obvious error (or, worse, tests would talk to another server).
require_free_port() {
  local name="$1" port="$2"
  if port_open "$port"; then
    die "$name: port $port is already in use by another process (not ours: no live pid in $(pid_file "$name")). Stop it or set a different port."
  fi
}

# apt-get install, for machines where a package is missing. Waits for a
# concurrent apt/dpkg instead of failing on its lock, runs `apt-get update`
# only when the package lists are empty (or the install failed with stale
# ones), and never starts the packaged service (policy-rc.d exit 101).
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found; install these by hand: $*"
  [[ $(id -u) -eq 0 ]] || die "need root to apt-get install $* (or install them by hand)"
  local added_policy=
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    added_policy=1
  fi
  local apt=(apt-get -o DPkg::Lock::Timeout=600 -y -q)
  export DEBIAN_FRONTEND=noninteractive
  if ! compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null; then
    log "apt-get update"
    "${apt[@]}" update >&2
  fi
  log "apt-get install $*"
  if ! "${apt[@]}" install --no-install-recommends "$@" >&2; then
    log "install failed; retrying after apt-get update"
    "${apt[@]}" update >&2
    "${apt[@]}" install --no-install-recommends "$@" >&2
  fi
  if [[ -n "$added_policy" ]]; then rm -f /usr/sbin/policy-rc.d; fi
}

# Content hash of files, to know when a cached build is out of date (mtimes
# are useless here: a fresh clone makes every source file "new").
hash_files() { cat "$@" | sha256sum | cut -d' ' -f1; }

# ------------------------------------------------------------------ Kafka ---

KAFKA_DIR="$RUN_DIR/kafka"
KAFKA_LIBS="$CACHE_DIR/kafka-libs"

kafka_prepare() {
  command -v java >/dev/null || die "java not found (Kafka needs Java 17+)"
  local pom="$SERVERS_SRC/kafka/pom.xml" want
  want="$(hash_files "$pom")"
  if [[ -f "$KAFKA_LIBS/.pom.sha256" && "$(<"$KAFKA_LIBS/.pom.sha256")" == "$want" ]]; then
    log "kafka: jars cached in $KAFKA_LIBS"
  else
    command -v mvn >/dev/null || die "mvn not found (needed once to fetch the Kafka jars)"
    log "kafka: fetching jars from Maven Central into $KAFKA_LIBS"
    # Fetch into a temp dir and swap it in, so an interrupted fetch never
    # leaves a half-filled directory that looks complete.
    local tmp="$KAFKA_LIBS.tmp.$$"
    rm -rf "$tmp"
    mkdir -p "$CACHE_DIR"
    if ! mvn -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies \
        -DoutputDirectory="$tmp" >"$CACHE_DIR/mvn.log" 2>&1; then
      cat "$CACHE_DIR/mvn.log" >&2
      rm -rf "$tmp"
      die "kafka: mvn dependency:copy-dependencies failed"
    fi
    echo "$want" >"$tmp/.pom.sha256"
    rm -rf "$KAFKA_LIBS"
    mv "$tmp" "$KAFKA_LIBS"
  fi

  mkdir -p "$KAFKA_DIR/data"
  # The administrator's client settings (the tools' --command-config); like the broker's
  # settings, they hold its password: readable by the owner only.
  (umask 077 && cat >"$KAFKA_DIR/admin.properties" <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$KAFKA_ADMIN" password="$(password "kafka-$KAFKA_ADMIN")";
EOF
  )
  (umask 077 && cat >"$KAFKA_DIR/server.properties" <<EOF
# Written by scripts/test-servers.sh; edits are overwritten on every 'up'.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=SASL_PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=SASL_PLAINTEXT://$HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_PLAINTEXT
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DIR/data

# Every client authenticates (SCRAM-SHA-512, a user per service: shared-kernel/kafka-acls.json)
# and may do only what its ACLs allow. The administrator is the super user (the tests' own
# client, the ACLs' creator, the broker itself). The controller listener stays PLAINTEXT on
# $HOST: its clients (the broker's own requests) come as ANONYMOUS, a super user there.
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$KAFKA_ADMIN" password="$(password "kafka-$KAFKA_ADMIN")";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:$KAFKA_ADMIN;User:ANONYMOUS
allow.everyone.if.no.acl.found=false

# Tests create topics on the fly and expect them to work on one node.
auto.create.topics.enable=true
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=5
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=5
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Consumers join a group at once instead of waiting 3 s for others.
group.initial.rebalance.delay.ms=0

# Small disk footprint: test data is throw-away.
log.retention.hours=2
log.retention.bytes=67108864
log.segment.bytes=16777216
log.retention.check.interval.ms=60000
EOF
  )

  cat >"$KAFKA_DIR/log4j2.properties" <<'EOF'
# Kafka 4 logs through log4j2; without a config it would only print errors.
# The level can be overridden with -Dkafka.log.level (the tools use WARN).
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.target = SYSTEM_ERR
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = ${sys:kafka.log.level:-INFO}
rootLogger.appenderRef.out.ref = OUT
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
EOF

  # KRaft needs its log dir formatted once, with a cluster id; keep it across
  # restarts (meta.properties present = already formatted). The SCRAM users are
  # created then (the administrator's must exist before the broker can serve
  # anybody); a log dir formatted for other users (or none, before SASL) is
  # throw-away test data, formatted again.
  local users=("$KAFKA_ADMIN" "${KAFKA_PRINCIPALS[@]}") marker="$KAFKA_DIR/data/.scram-users"
  if [[ -f "$KAFKA_DIR/data/meta.properties" && "$(cat "$marker" 2>/dev/null)" != "${users[*]}" ]]; then
    log "kafka: the log dir has other SCRAM users than ${users[*]}; formatting it again"
    rm -rf "$KAFKA_DIR/data"
    mkdir -p "$KAFKA_DIR/data"
  fi
  if [[ ! -f "$KAFKA_DIR/data/meta.properties" ]]; then
    local cluster_id user scram=()
    # A Kafka cluster id is 16 random bytes, base64url without padding. Like
    # Kafka's own Uuid.randomUuid, draw again when it begins with "-": the
    # storage tool's parser would take it for an option (1 run in 64).
    cluster_id=-
    while [[ $cluster_id == -* ]]; do
      cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    done
    for user in "${users[@]}"; do
      scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$(password "kafka-$user")]")
    done
    log "kafka: formatting storage (cluster id $cluster_id, SCRAM users ${users[*]})"
    kafka_java kafka.tools.StorageTool format -t "$cluster_id" \
      -c "$KAFKA_DIR/server.properties" "${scram[@]}" >>"$(log_file kafka)" 2>&1 \
      || fail_with_log kafka "storage format failed"
    echo "${users[*]}" >"$marker"
  fi
}

# Runs a Kafka main class with the cached jars (WARN logging, small heap).
kafka_java() {
  java -Xmx256m -XX:TieredStopAtLevel=1 -Dkafka.log.level=WARN \
    -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" \
    -cp "$KAFKA_LIBS/*" "$@"
}

kafka_start() {
  spawn kafka java -Xms128m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_DIR/server.properties"
}

# "Kafka Server started" is logged once the broker is registered and serving;
# then a real metadata request (topic list) through the admin client.
kafka_started_in_log() { log_has_since_start kafka 'Kafka Server started'; }
kafka_list_topics() {
  kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$HOST:$KAFKA_PORT" \
    --command-config "$KAFKA_DIR/admin.properties" --list
}
# The services' ACLs, from shared-kernel/kafka-acls.json, by the program compose and the chart
# run too (built here if the workspace is not: it needs shared-kernel's dist).
kafka_acls() {
  local main="$REPO_DIR/shared-kernel/dist/adapters/kafka/kafka-acls-main.js"
  if [[ ! -f "$main" ]]; then
    log "kafka: building shared-kernel for its kafka-acls program"
    (cd "$REPO_DIR" && npx tsc -b shared-kernel) >&2 || die "kafka: could not build shared-kernel"
  fi
  KAFKA_BROKERS="$HOST:$KAFKA_PORT" KAFKA_SASL_MECHANISM=scram-sha-512 \
    KAFKA_SASL_USERNAME="$KAFKA_ADMIN" KAFKA_SASL_PASSWORD="$(password "kafka-$KAFKA_ADMIN")" \
    node "$main" >&2 || fail_with_log kafka "could not create the services' ACLs"
}
kafka_wait() {
  wait_until kafka "port $KAFKA_PORT" port_open "$KAFKA_PORT"
  wait_until kafka "'Kafka Server started' in the log" kafka_started_in_log
  wait_until kafka "a metadata request (topic list)" kafka_list_topics
  kafka_acls
}

# ---------------------------------------------------------------- MariaDB ---

MARIADB_DIR="$RUN_DIR/mariadb"
MARIADB_CNF="$MARIADB_DIR/my.cnf"

# A unix socket path must fit in 108 bytes; a deep checkout may not.
mariadb_socket() {
  local s="$MARIADB_DIR/mariadbd.sock"
  ((${#s} < 100)) || s="/tmp/expedientes-mariadb-$MYSQL_PORT.sock"
  echo "$s"
}

# Debian puts mariadbd in /usr/sbin, which a non-root PATH may lack.
find_mariadbd() { command -v mariadbd || { [[ -x /usr/sbin/mariadbd ]] && echo /usr/sbin/mariadbd; }; }

mariadb_prepare() {
  if ! find_mariadbd >/dev/null || ! command -v mariadb-install-db >/dev/null; then
    apt_install mariadb-server mariadb-client
  fi
  mkdir -p "$MARIADB_DIR/data" "$MARIADB_DIR/tmp"
  # --defaults-file makes mariadbd ignore /etc/mysql entirely.
  cat >"$MARIADB_CNF" <<EOF
# Written by scripts/test-servers.sh; edits are overwritten on every 'up'.
[mariadbd]
user=root
datadir=$MARIADB_DIR/data
tmpdir=$MARIADB_DIR/tmp
socket=$(mariadb_socket)
pid-file=$MARIADB_DIR/mariadbd.pid
log-error=$(log_file mariadb)
bind-address=$HOST
port=$MYSQL_PORT
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
max_connections=300
# Lean and fast for throw-away test data: small buffer pool, no
# performance_schema, no fsync per commit, no doublewrite buffer.
innodb_buffer_pool_size=128M
innodb_log_file_size=64M
innodb_flush_log_at_trx_commit=2
innodb_doublewrite=0
performance_schema=OFF
EOF
  if [[ ! -d "$MARIADB_DIR/data/mysql" ]]; then
    log "mariadb: initialising data dir $MARIADB_DIR/data"
    # root@localhost gets no password (socket access only, as we bind to
    # loopback anyway); the expedientes user is created after start-up.
    mariadb-install-db --defaults-file="$MARIADB_CNF" --skip-test-db \
      --auth-root-authentication-method=normal >>"$(log_file mariadb)" 2>&1 \
      || fail_with_log mariadb "mariadb-install-db failed"
  fi
}

mariadb_start() {
  spawn mariadb "$(find_mariadbd)" --defaults-file="$MARIADB_CNF"
}

# shellcheck disable=SC2120 # arguments come through wait_until
mariadb_root() { mariadb --no-defaults --socket="$(mariadb_socket)" -uroot "$@"; }
# As user $1 (its password from the run dir) over TCP, as the tests connect.
mariadb_tcp() {
  local user="$1"
  shift
  MYSQL_PWD="$(password "mysql-$user")" mariadb --no-defaults --protocol=TCP -h"$HOST" \
    -P"$MYSQL_PORT" -u"$user" "$@"
}
mariadb_ping() {
  mariadb-admin --no-defaults --protocol=TCP -h"$HOST" -P"$MYSQL_PORT" -uping ping
}
# The services' users, by the deployments' own script (a stand-in for the image's
# docker_process_sql), with the passwords of the run dir.
mariadb_service_users() {
  local account
  # shellcheck disable=SC2317 # called by create-databases.sh
  docker_process_sql() { mariadb_root "$@"; }
  export MYSQL_DATABASES="${MYSQL_ACCOUNTS[*]}" MYSQL_PREFIXED_DATABASES=yes
  for account in "${MYSQL_ACCOUNTS[@]}"; do
    export "${account^^}_MYSQL_PASSWORD=$(password "mysql-$account")"
  done
  # shellcheck source=helm/expedientes/files/mysql/create-databases.sh
  source "$REPO_DIR/helm/expedientes/files/mysql/create-databases.sh"
}
mariadb_wait() {
  # mariadb-admin ping succeeds even when access is denied: it means "alive".
  wait_until mariadb "mariadb-admin ping on port $MYSQL_PORT" mariadb_ping
  wait_until mariadb "the root socket" mariadb_root -e 'SELECT 1'
  # Idempotent bootstrap, every password set again from the run dir. The administrator: the
  # suites that are no service's create databases of any name, hence *.*. An earlier version
  # of this script made `expedientes` the administrator; now it is the expedientes service's
  # user, and the services' script takes its grants on *.* away.
  mariadb_root <<EOF || fail_with_log mariadb "could not create the administrator"
CREATE DATABASE IF NOT EXISTS \`$MYSQL_DB\`;
CREATE USER IF NOT EXISTS '$MYSQL_USER'@'%';
ALTER USER '$MYSQL_USER'@'%' IDENTIFIED BY '$(password "mysql-$MYSQL_USER")';
GRANT ALL PRIVILEGES ON *.* TO '$MYSQL_USER'@'%' WITH GRANT OPTION;
DROP USER IF EXISTS 'expedientes'@'localhost';
EOF
  (mariadb_service_users) >>"$(log_file mariadb)" 2>&1 \
    || fail_with_log mariadb "could not create the services' users"
  wait_until mariadb "SELECT 1 as $MYSQL_USER over TCP" \
    mariadb_tcp "$MYSQL_USER" -e 'SELECT 1' "$MYSQL_DB"
}

# ------------------------------------------------------------- PostgreSQL ---
# FerretDB's backend when FERRETDB_BACKEND=postgresql: a private instance of
# Debian's binaries with its own data dir, port and socket dir. PostgreSQL
# refuses to run as root, so as root it runs as $POSTGRES_OS_USER, which owns
# its files. Connections through the socket (in a directory only that user can
# enter) are trusted, for the bootstrap; TCP on loopback needs a password,
# generated at the first start and kept in the run dir. fsync and
# synchronous_commit keep their defaults (on): a commit is on disk before
# FerretDB answers.

is_root() { [[ $(id -u) -eq 0 ]]; }

postgres_bin_dir() {
  if [[ -n "${POSTGRES_BIN_DIR:-}" ]]; then
    echo "$POSTGRES_BIN_DIR"
    return
  fi
  local d
  d="$(compgen -G '/usr/lib/postgresql/*/bin/postgres' | sort -V | tail -n 1)" || true
  [[ -n "$d" ]] || return 1
  dirname "$d"
}

# The command prefix that runs a program as the user PostgreSQL runs as (none
# unless root). setpriv execs in place (no child, unlike su or runuser), so a
# spawned server's pid is the postmaster's own.
pg_user_prefix() {
  if is_root; then
    printf '%s\n' setpriv --reuid="$(id -u "$POSTGRES_OS_USER")" \
      --regid="$(id -g "$POSTGRES_OS_USER")" --init-groups --
  fi
}
as_pg() {
  local prefix=()
  mapfile -t prefix < <(pg_user_prefix)
  "${prefix[@]}" "$@"
}

# The data lives in the run dir when the PostgreSQL user can reach it; it
# cannot under a home directory like /root (mode 0700), and then it lives in a
# directory of its own under /var/tmp, named after the run dir.
postgres_dir() {
  local d="$RUN_DIR/postgres"
  if is_root && id "$POSTGRES_OS_USER" >/dev/null 2>&1 && [[ -d "$RUN_DIR" ]] \
      && ! as_pg test -x "$RUN_DIR"; then
    d="/var/tmp/expedientes-test-postgres-$(printf '%s' "$RUN_DIR" | sha256sum | cut -c1-12)"
  fi
  echo "$d"
}

# A unix socket path must fit in 108 bytes (".s.PGSQL.<port>" included).
postgres_socket_dir() {
  local d
  d="$(postgres_dir)/run"
  ((${#d} < 90)) || d="/tmp/expedientes-postgres-$POSTGRES_PORT"
  echo "$d"
}

postgres_password() { password postgres; }

postgres_prepare() {
  local bin dir sock p
  if ! bin="$(postgres_bin_dir)" || [[ ! -x "$bin/postgres" ]]; then
    apt_install postgresql
    bin="$(postgres_bin_dir)" || die "postgres: no /usr/lib/postgresql/<version>/bin after installing postgresql"
  fi
  for p in postgres initdb psql pg_isready; do
    [[ -x "$bin/$p" ]] || die "postgres: $bin/$p not found (POSTGRES_BIN_DIR?)"
  done
  if is_root; then
    id "$POSTGRES_OS_USER" >/dev/null 2>&1 \
      || die "postgres: user $POSTGRES_OS_USER does not exist (PostgreSQL cannot run as root; set POSTGRES_OS_USER)"
  fi
  dir="$(postgres_dir)"
  sock="$(postgres_socket_dir)"
  mkdir -p "$dir" "$sock"
  chmod 0700 "$dir" "$sock"
  if is_root; then chown "$POSTGRES_OS_USER:" "$dir" "$sock"; fi
  # Named by the hba_file setting; written again on every 'up'.
  cat >"$dir/pg_hba.conf" <<PGHBA
# Written by scripts/test-servers.sh; edits are overwritten on every 'up'.
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 trust
host    all       all   $HOST/32  scram-sha-256
PGHBA
  chmod 0644 "$dir/pg_hba.conf"
  if [[ ! -f "$dir/data/PG_VERSION" ]]; then
    log "postgres: initialising data dir $dir/data"
    # Into a temporary dir, moved into place when complete, so that an
    # interrupted initdb never leaves a data dir that looks initialised.
    rm -rf "$dir/data" "$dir/data.tmp"
    # FerretDB accepts only UTF8 and the C/POSIX or en_US.UTF-8 locales.
    (cd / && as_pg "$bin/initdb" -D "$dir/data.tmp" -U postgres -E UTF8 --locale=C \
      --auth-local=trust --auth-host=scram-sha-256) >>"$(log_file postgres)" 2>&1 \
      || fail_with_log postgres "initdb failed"
    mv "$dir/data.tmp" "$dir/data"
  fi
}

postgres_start() {
  local bin dir prefix=()
  bin="$(postgres_bin_dir)"
  dir="$(postgres_dir)"
  mapfile -t prefix < <(pg_user_prefix)
  # Settings on the command line: the data dir's postgresql.conf stays initdb's.
  # From /, which every user may enter. Large values (a GridFS chunk of a
  # document, as JSON) are compressed with lz4, as MongoDB's storage compresses
  # with snappy: the default pglz took a fifth of PostgreSQL's CPU per open.
  # FerretDB prepares `_jsonb->$1 @> $2` with the field name as a parameter: a
  # generic plan of it cannot use the index on `_jsonb->'_id'` (see
  # postgres_lookup_indexes) and reads the whole table, which PostgreSQL picks once a
  # statement has run five times on a small table. Planned with its values each
  # time, every lookup by id stays an index scan.
  (cd / && spawn postgres "${prefix[@]}" "$bin/postgres" -D "$dir/data" \
    -c listen_addresses="$HOST" -c port="$POSTGRES_PORT" \
    -c unix_socket_directories="$(postgres_socket_dir)" -c unix_socket_permissions=0700 \
    -c hba_file="$dir/pg_hba.conf" -c max_connections=200 \
    -c default_toast_compression=lz4 -c plan_cache_mode=force_custom_plan)
}

# psql as the superuser through the private socket (trusted), or as FerretDB's
# role over TCP with its password.
# shellcheck disable=SC2120 # arguments come through wait_until
postgres_super() {
  "$(postgres_bin_dir)/psql" -X -q -v ON_ERROR_STOP=1 -h "$(postgres_socket_dir)" \
    -p "$POSTGRES_PORT" -U postgres -d postgres "$@"
}
postgres_tcp() {
  PGPASSWORD="$(postgres_password)" "$(postgres_bin_dir)/psql" -X -q -v ON_ERROR_STOP=1 \
    -h "$HOST" -p "$POSTGRES_PORT" -U "$PG_USER" -d "$PG_DB" "$@"
}
# FerretDB v1 keeps no users of its own: a client's credentials (PLAIN) are
# FerretDB's credentials at PostgreSQL, so a user per service is a role, and a
# MongoDB database is a schema, owned by the role that created it. A service's
# role may create schemas in FerretDB's database and reach only its own: another
# service's database is refused by PostgreSQL. Its own database is created
# here, owned by it, before anybody else can. FerretDB's role is a member of
# each, the administrator that sees every database (MONGODB_URL).
postgres_service_roles() {
  local account sql=''
  for account in "${MONGODB_ACCOUNTS[@]}"; do
    sql+="SELECT 'CREATE ROLE $account LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$account')\\gexec
ALTER ROLE $account LOGIN PASSWORD '$(password "mongodb-$account")';
GRANT CREATE ON DATABASE $PG_DB TO $account;
GRANT $account TO $PG_USER;
\\connect $PG_DB
CREATE SCHEMA IF NOT EXISTS $account AUTHORIZATION $account;
\\connect postgres
"
  done
  postgres_super >/dev/null <<<"$sql" || fail_with_log postgres "could not create the services' roles"
}
# FerretDB v1 turns an equality filter (`{_id: x}`, `{codigo: x}`) into
# `_jsonb -> 'field' @> <value>`, which the btree index it makes for that field
# cannot serve: every lookup by id, every conditional update (`{_id, position:
# {$lt: p}}`) and the list's lookup by code read the whole table, so their cost
# grew with the data where MongoDB's indexes keep it flat. An event trigger gives
# each index FerretDB makes on `_id` or `codigo` (its first key) a GIN twin on
# that expression, which PostgreSQL uses for `@>`. Only those two: they are the
# lookups by a value that picks one document, and each GIN index costs every
# write. The twin is PostgreSQL's alone: FerretDB lists only the indexes it
# made, and drops this one with its table.
# Every index FerretDB makes is on expressions (`_jsonb -> 'field'`), and
# ANALYZE evaluates each of them on every sampled row, reading the whole
# document each time: a GridFS chunk (100 KB) four times over, about 1 CPU-ms
# per uploaded document as autovacuum keeps analyzing a growing collection.
# MongoDB keeps no such statistics, and no plan needs them (the indexes are
# unique or picked by `@>`): none are gathered for those expressions.
postgres_lookup_indexes() {
  postgres_super -d "$PG_DB" >/dev/null <<'SQL' || fail_with_log postgres "could not create the lookup index trigger"
DROP EVENT TRIGGER IF EXISTS ferretdb_id_index;
DROP FUNCTION IF EXISTS public.ferretdb_id_index();
CREATE OR REPLACE FUNCTION public.ferretdb_lookup_index() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  made record;
BEGIN
  FOR made IN
    SELECT i.indexrelid::regclass AS idx, i.indrelid::regclass AS tbl, i.indnatts AS columns,
      am.amname AS method, pg_get_indexdef(i.indexrelid, 1, true) AS key
    FROM pg_event_trigger_ddl_commands() AS command
    JOIN pg_index AS i ON i.indexrelid = command.objid
    JOIN pg_class AS c ON c.oid = i.indexrelid
    JOIN pg_am AS am ON am.oid = c.relam
    WHERE command.command_tag = 'CREATE INDEX'
  LOOP
    FOR k IN 1..made.columns LOOP
      EXECUTE format('ALTER INDEX %s ALTER COLUMN %s SET STATISTICS 0', made.idx, k);
    END LOOP;
    -- The twins are GIN, so creating one (which runs this trigger again) makes no other.
    IF made.method = 'btree'
      AND made.key IN ('(_jsonb -> ''_id''::text)', '(_jsonb -> ''codigo''::text)') THEN
      EXECUTE format('CREATE INDEX ON %s USING gin (%s jsonb_path_ops)', made.tbl, made.key);
    END IF;
  END LOOP;
END $$;
DROP EVENT TRIGGER IF EXISTS ferretdb_lookup_index;
CREATE EVENT TRIGGER ferretdb_lookup_index ON ddl_command_end WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION public.ferretdb_lookup_index();
SQL
}
postgres_isready() { "$(postgres_bin_dir)/pg_isready" -q -h "$HOST" -p "$POSTGRES_PORT" -d postgres; }
postgres_ready_in_log() { log_has_since_start postgres 'database system is ready to accept connections'; }
postgres_wait() {
  wait_until postgres "port $POSTGRES_PORT" port_open "$POSTGRES_PORT"
  wait_until postgres "'ready to accept connections' in the log" postgres_ready_in_log
  wait_until postgres "pg_isready on port $POSTGRES_PORT" postgres_isready
  wait_until postgres "SELECT 1 as postgres on the socket" postgres_super -c 'SELECT 1'
  # Idempotent bootstrap: FerretDB's role (its password set again, from the
  # file) and database (UTF8, C locale, as FerretDB requires), owned by it.
  postgres_super >/dev/null <<SQL || fail_with_log postgres "could not create FerretDB's role and database"
SELECT 'CREATE ROLE $PG_USER LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER')\gexec
ALTER ROLE $PG_USER LOGIN PASSWORD '$(postgres_password)';
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_USER ENCODING ''UTF8'' LC_COLLATE ''C'' LC_CTYPE ''C'' TEMPLATE template0'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB')\gexec
SQL
  postgres_service_roles
  postgres_lookup_indexes
  # A query answered over TCP, as FerretDB connects.
  wait_until postgres "SELECT 1 as $PG_USER over TCP" postgres_tcp -c 'SELECT 1'
}

# --------------------------------------------------------------- FerretDB ---

FERRETDB_DIR="$RUN_DIR/ferretdb"
FERRETDB_BIN="$CACHE_DIR/ferretdb-launcher"

ferretdb_prepare() {
  local src="$SERVERS_SRC/ferretdb" want
  want="$(hash_files "$src/main.go" "$src/go.mod" "$src/go.sum")"
  if [[ -x "$FERRETDB_BIN" && -f "$FERRETDB_BIN.sha256" && "$(<"$FERRETDB_BIN.sha256")" == "$want" ]]; then
    log "ferretdb: launcher cached at $FERRETDB_BIN"
  else
    command -v go >/dev/null || die "go not found (needed once to build the FerretDB launcher)"
    log "ferretdb: building launcher (FerretDB, go build; first time takes a minute or two)"
    mkdir -p "$CACHE_DIR"
    # -mod=readonly: build exactly what go.sum pins. Go's own caches
    # (~/go/pkg/mod, ~/.cache/go-build) make rebuilds fast.
    (cd "$src" && go build -mod=readonly -trimpath -o "$FERRETDB_BIN.tmp" .) >&2 \
      || die "ferretdb: go build failed"
    mv "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
    echo "$want" >"$FERRETDB_BIN.sha256"
  fi
  if [[ $FERRETDB_BACKEND == sqlite ]]; then mkdir -p "$FERRETDB_DIR/data"; fi
}

ferretdb_start() {
  # warn logs every error reply in full (handy to spot unsupported commands);
  # FERRETDB_LOG_LEVEL=error keeps the log quiet. Go's collector at its default
  # (GOGC=100) took a quarter of FerretDB's CPU, which converts every document
  # twice; at 400 the heap may grow to five times what is live before a
  # collection (tens of MB here).
  local -x GOGC="${FERRETDB_GOGC:-400}"
  if [[ $FERRETDB_BACKEND == postgresql ]]; then
    # No password: a client that gives none is refused by PostgreSQL; one that
    # gives its own (PLAIN) connects as that role (postgres_service_roles).
    spawn ferretdb "$FERRETDB_BIN" -listen "$HOST:$MONGODB_PORT" \
      -backend postgresql \
      -postgresql-url "postgres://$PG_USER@$HOST:$POSTGRES_PORT/$PG_DB?sslmode=disable" \
      -log-level "${FERRETDB_LOG_LEVEL:-warn}"
  else
    spawn ferretdb "$FERRETDB_BIN" -listen "$HOST:$MONGODB_PORT" \
      -backend sqlite -sqlite-dir "$FERRETDB_DIR/data" \
      -log-level "${FERRETDB_LOG_LEVEL:-warn}"
  fi
}

# The backend a running FerretDB was started with (the launcher's default,
# sqlite, when its command line names none).
ferretdb_backend_of() {
  if tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- '-backend postgresql'; then
    echo postgresql
  else
    echo sqlite
  fi
}

# A real round trip ({ping: 1}) with the official driver, when the repo's
# node_modules has it (it does after `npm ci`); otherwise the port check and
# the launcher's "listening" line must do. FerretDB answers a ping only after
# asking its backend (with PostgreSQL, its first connection is made then). As
# the administrator: FerretDB v1 loads its one catalogue of databases with the
# first client's rights, which must see them all (a service's role sees its own).
ferretdb_has_driver() {
  command -v node >/dev/null && (cd "$REPO_DIR" && node -e "require.resolve('mongodb')") >/dev/null 2>&1
}
ferretdb_ping() {
  (cd "$REPO_DIR" && node -e '
    const { MongoClient } = require("mongodb");
    const c = new MongoClient(process.argv[1], { serverSelectionTimeoutMS: 2000 });
    c.connect()
      .then(() => c.db().command({ ping: 1 }))
      .then((r) => c.close().then(() => process.exit(r.ok === 1 ? 0 : 1)))
      .catch(() => process.exit(1));
  ' "$(mongodb_url "$PG_USER" "$MONGODB_DB")")
}
ferretdb_listening_in_log() { log_has_since_start ferretdb "listening on mongodb://$HOST:$MONGODB_PORT/"; }
ferretdb_wait() {
  wait_until ferretdb "port $MONGODB_PORT" port_open "$MONGODB_PORT"
  wait_until ferretdb "'listening' in the log" ferretdb_listening_in_log
  if ferretdb_has_driver; then
    wait_until ferretdb "a ping with the mongodb driver" ferretdb_ping
  else
    log "ferretdb: no 'mongodb' package in node_modules; checked the port only"
  fi
}

# --------------------------------------------------------------- commands ---

# In start order, FerretDB after its backend; `down` stops FerretDB before
# PostgreSQL.
if [[ $FERRETDB_BACKEND == postgresql ]]; then
  SERVERS=(mariadb kafka postgres ferretdb)
else
  SERVERS=(mariadb kafka ferretdb)
fi

# What down and status look at: the servers of this backend, and PostgreSQL
# whenever it has a pid file (left running by an 'up' with the other backend).
known_servers() {
  local name
  for name in "${SERVERS[@]}"; do echo "$name"; done
  if [[ $FERRETDB_BACKEND != postgresql && -e "$(pid_file postgres)" ]]; then echo postgres; fi
}

port_of() {
  case "$1" in
    kafka) echo "$KAFKA_PORT" ;;
    mariadb) echo "$MYSQL_PORT" ;;
    ferretdb) echo "$MONGODB_PORT" ;;
    postgres) echo "$POSTGRES_PORT" ;;
  esac
}

mysql_url() { echo "mysql://$1:$(password "mysql-$1")@$HOST:$MYSQL_PORT/$2"; }
# With PostgreSQL, as user $1 (PLAIN, the mechanism FerretDB v1 has); SQLite
# knows no users.
mongodb_url() {
  if [[ $FERRETDB_BACKEND == postgresql ]]; then
    local pw
    if [[ $1 == "$PG_USER" ]]; then pw="$(postgres_password)"; else pw="$(password "mongodb-$1")"; fi
    # The driver takes PLAIN's authSource, $external, by itself.
    echo "mongodb://$1:$pw@$HOST:$MONGODB_PORT/$2?authMechanism=PLAIN"
  else
    echo "mongodb://$HOST:$MONGODB_PORT/$2"
  fi
}

cmd_env() {
  local account
  echo "export KAFKA_BROKERS=$HOST:$KAFKA_PORT"
  echo "export KAFKA_SASL_MECHANISM=scram-sha-512"
  echo "export KAFKA_SASL_USERNAME=$KAFKA_ADMIN"
  echo "export KAFKA_SASL_PASSWORD=$(password "kafka-$KAFKA_ADMIN")"
  for account in "${KAFKA_PRINCIPALS[@]}"; do
    echo "export ${account^^}_KAFKA_SASL_PASSWORD=$(password "kafka-$account")"
  done
  echo "export MYSQL_URL=$(mysql_url "$MYSQL_USER" "$MYSQL_DB")"
  for account in "${MYSQL_ACCOUNTS[@]}"; do
    echo "export ${account^^}_MYSQL_URL=$(mysql_url "$account" "$account")"
  done
  echo "export MONGODB_URL=$(mongodb_url "$PG_USER" "$MONGODB_DB")"
  # On SQLite, FerretDB knows no users: the services' URLs name none.
  for account in "${MONGODB_ACCOUNTS[@]}"; do
    echo "export ${account^^}_MONGODB_URL=$(mongodb_url "$account" "$account")"
  done
}

cmd_up() {
  local t0=$SECONDS name pid started=()
  mkdir -p "$RUN_DIR" "$CACHE_DIR"
  # Prepare and start each server in turn without waiting for it, so the
  # slow starts (Kafka's JVM, the FerretDB build) overlap; then wait for all.
  for name in "${SERVERS[@]}"; do
    if pid="$(running_pid "$name")"; then
      if [[ $name == ferretdb && "$(ferretdb_backend_of "$pid")" != "$FERRETDB_BACKEND" ]]; then
        die "ferretdb runs (pid $pid) with the $(ferretdb_backend_of "$pid") backend, not $FERRETDB_BACKEND (FERRETDB_BACKEND); run 'down' first"
      fi
      log "$name: already running (pid $pid)"
      continue
    fi
    require_free_port "$name" "$(port_of "$name")"
    [[ $name == kafka ]] && require_free_port kafka "$KAFKA_CONTROLLER_PORT"
    "${name}_prepare"
    log "$name: starting on $HOST:$(port_of "$name") (log: $(log_file "$name"))"
    "${name}_start"
    started+=("$name")
  done
  for name in "${SERVERS[@]}"; do
    "${name}_wait"
    log "$name: ready on $HOST:$(port_of "$name")"
  done
  log "all servers ready (${#started[@]} started) in $((SECONDS - t0))s"
  cmd_env
}

# Grace periods: Kafka needs a few seconds for a clean shutdown of its
# controller; a killed Kafka recovers its logs on the next start anyway.
grace_of() {
  case "$1" in
    kafka) echo 30 ;;
    mariadb) echo 30 ;;
    ferretdb) echo 10 ;;
    postgres) echo 30 ;;
  esac
}

# PostgreSQL's SIGTERM waits for every client to disconnect; SIGINT is its
# "fast" shutdown (clients disconnected, a checkpoint, a clean stop).
stop_signal_of() {
  case "$1" in
    postgres) echo INT ;;
    *) echo TERM ;;
  esac
}

# stop_servers NAME...: signals those that run, then waits for each (the
# shutdowns run in parallel), SIGKILL after its grace period.
stop_servers() {
  local name pid pids=() names=()
  for name in "$@"; do
    if pid="$(running_pid "$name")"; then
      log "$name: stopping (pid $pid)"
      kill -"$(stop_signal_of "$name")" "$pid" 2>/dev/null || true
      pids+=("$pid"); names+=("$name")
    else
      log "$name: not running"
    fi
  done
  local i deadline
  for i in "${!pids[@]}"; do
    deadline=$((SECONDS + $(grace_of "${names[$i]}")))
    while kill -0 "${pids[$i]}" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "${pids[$i]}" 2>/dev/null; then
      log "${names[$i]}: still alive after $(grace_of "${names[$i]}")s; SIGKILL"
      kill -KILL "${pids[$i]}" 2>/dev/null || true
      while kill -0 "${pids[$i]}" 2>/dev/null; do sleep 0.1; done
    fi
    log "${names[$i]}: stopped"
  done
  for name in "$@"; do rm -f "$(pid_file "$name")"; done
}

cmd_down() {
  local name first=() last=()
  for name in $(known_servers); do
    if [[ $name == postgres ]]; then last+=("$name"); else first+=("$name"); fi
  done
  stop_servers "${first[@]}"
  # FerretDB's backend last, once FerretDB is gone.
  if ((${#last[@]})); then stop_servers "${last[@]}"; fi
}

cmd_status() {
  local name pid rc=0 extra
  for name in $(known_servers); do
    if pid="$(running_pid "$name")"; then
      extra=""
      [[ $name == ferretdb ]] && extra="  ($(ferretdb_backend_of "$pid") backend)"
      printf '%-9s running  pid %-8s %s:%s%s\n' "$name" "$pid" "$HOST" "$(port_of "$name")" "$extra"
    else
      printf '%-9s stopped\n' "$name"
      rc=3
    fi
  done
  return "$rc"
}

cmd_clean() {
  local pgdir
  pgdir="$(postgres_dir)"
  cmd_down
  # PostgreSQL's data and socket dirs, where they are outside the run dir.
  if [[ -d "$pgdir" && "$pgdir" != "$RUN_DIR"/* ]]; then
    log "removing $pgdir"
    rm -rf "$pgdir"
  fi
  rm -rf "/tmp/expedientes-postgres-$POSTGRES_PORT"
  log "removing $RUN_DIR"
  rm -rf "$RUN_DIR"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  env) cmd_env ;;
  status) cmd_status ;;
  clean) cmd_clean ;;
  *)
    echo "usage: $0 up|down|env|status|clean" >&2
    exit 2
    ;;
esac
