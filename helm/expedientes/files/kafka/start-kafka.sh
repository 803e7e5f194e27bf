#!/bin/sh
# Kafka with SASL/SCRAM and ACLs in the apache/kafka image: the command docker compose and the
# chart run in the broker's container. The broker's settings come as KAFKA_* variables, which
# the image writes to its server.properties (SASL_PLAINTEXT listener, StandardAuthorizer, super
# users); the passwords come as <PRINCIPAL>_KAFKA_PASSWORD (ADMIN_KAFKA_PASSWORD, the super
# user's; one per service, the principals of shared-kernel/kafka-acls.json), whose names start
# with no KAFKA_ so that the image writes none of them into its settings. This script
#   1. gives the broker its own login (inter-broker, as the super user `admin`): a JAAS file
#      named in KAFKA_OPTS, as the image expects with a SASL listener;
#   2. writes the administrator's client settings for the healthcheck and the tools
#      (--command-config /tmp/kafka-admin.properties);
#   3. formats an empty log dir itself, with a SCRAM-SHA-512 user for every
#      <PRINCIPAL>_KAFKA_PASSWORD (as scripts/test-servers.sh does): the administrator's must
#      exist before the broker can serve anybody;
# then runs the image's own start, which finds the log dir formatted. The ACLs are created
# afterwards by kafka-init (shared-kernel/dist/adapters/kafka/kafka-acls-main.js). A user added
# to a formatted cluster later is created with kafka-configs.sh (README, "Kafka principals").
set -eu
: "${ADMIN_KAFKA_PASSWORD:?ADMIN_KAFKA_PASSWORD is required}"
kafka_home="${KAFKA_HOME:-/opt/kafka}"
data="${KAFKA_LOG_DIRS:-/var/lib/kafka/data}"
umask 077

jaas=/tmp/kafka-server-jaas.conf
cat >"$jaas" <<JAAS
KafkaServer {
  org.apache.kafka.common.security.scram.ScramLoginModule required
  username="admin" password="$ADMIN_KAFKA_PASSWORD";
};
JAAS
export KAFKA_OPTS="${KAFKA_OPTS:-} -Djava.security.auth.login.config=$jaas"

cat >/tmp/kafka-admin.properties <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$ADMIN_KAFKA_PASSWORD";
PROPERTIES

if [ ! -f "$data/meta.properties" ]; then
  settings=/tmp/kafka-format.properties
  cat >"$settings" <<PROPERTIES
process.roles=$KAFKA_PROCESS_ROLES
node.id=$KAFKA_NODE_ID
controller.quorum.voters=$KAFKA_CONTROLLER_QUORUM_VOTERS
controller.listener.names=$KAFKA_CONTROLLER_LISTENER_NAMES
listeners=$KAFKA_LISTENERS
listener.security.protocol.map=$KAFKA_LISTENER_SECURITY_PROTOCOL_MAP
inter.broker.listener.name=$KAFKA_INTER_BROKER_LISTENER_NAME
log.dirs=$data
PROPERTIES
  set --
  users=''
  for principal in $(env | sed -n 's/^\([A-Z0-9]*\)_KAFKA_PASSWORD=.*/\1/p' | sort); do
    password=''
    eval "password=\${${principal}_KAFKA_PASSWORD}"
    user="$(echo "$principal" | tr '[:upper:]' '[:lower:]')"
    set -- "$@" --add-scram "SCRAM-SHA-512=[name=$user,password=$password]"
    users="$users $user"
  done
  echo "start-kafka: formatting $data with the SCRAM users$users"
  "$kafka_home/bin/kafka-storage.sh" format --cluster-id "$CLUSTER_ID" --config "$settings" "$@"
  rm -f "$settings"
fi

exec "${KAFKA_IMAGE_RUN:-/etc/kafka/docker/run}"
