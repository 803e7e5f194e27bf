#!/bin/sh
# Entry point of the Node services, and of the stores, under docker compose (mounted by
# docker-compose.yml). Compose hands every setting of .env to the services, given or not, so an
# empty variable counts as unset here and the process applies its own default. A secret still
# unset takes the value generated once into the secrets volume (scripts/deploy/generate-secrets.js),
# of which each container mounts its own folder, holding only the secrets it may know. A
# setting composed from secrets names them as $(NAME), as Kubernetes does, e.g.
# MYSQL_URL=mysql://search:$(SEARCH_MYSQL_PASSWORD)@mysql:3306/search; each is filled in here.
# Then the command replaces this shell.
set -eu
for name in $(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=$/\1/p'); do
  unset "$name"
done
dir="${GENERATED_SECRETS_DIR:-/run/expedientes/secrets}"
if [ -d "$dir" ]; then
  for file in "$dir"/*; do
    [ -f "$file" ] || continue
    name="${file##*/}"
    case "$name" in *[!A-Z0-9_]*) continue ;; esac
    eval "given=\${$name:-}"
    [ -n "$given" ] || export "$name=$(cat "$file")"
  done
fi

# Prints $1 with each $(NAME) replaced by the value of NAME, which must be set.
expand() {
  rest="$1"
  out=''
  while :; do
    # shellcheck disable=SC2016 # a literal $( is what is looked for
    case "$rest" in
      *'$('*')'*) ;;
      *) break ;;
    esac
    out="$out${rest%%\$(*}"
    rest="${rest#*\$(}"
    name="${rest%%)*}"
    rest="${rest#*)}"
    case "$name" in
      '' | *[!A-Z0-9_]*)
        echo "compose-entrypoint: bad reference \$($name)" >&2
        exit 1
        ;;
    esac
    eval "value=\${$name:-}"
    if [ -z "$value" ]; then
      echo "compose-entrypoint: \$($name) is set neither in .env nor in the secrets volume" >&2
      exit 1
    fi
    out="$out$value"
  done
  printf '%s' "$out$rest"
}
for name in MYSQL_URL MONGODB_URL KAFKA_SASL_PASSWORD MARIADB_ROOT_PASSWORD MONGO_INITDB_ROOT_PASSWORD; do
  eval "setting=\${$name:-}"
  [ -n "$setting" ] || continue
  setting="$(expand "$setting")"
  export "$name=$setting"
done
exec "$@"
