#!/bin/sh
# Entry point of the Node services under docker compose (mounted by docker-compose.yml).
# Compose hands every setting of .env to the services, given or not, so an empty variable
# counts as unset here and the process applies its own default. A secret still unset takes
# the value generated once into the secrets volume (scripts/deploy/generate-secrets.js).
# Then the service's command replaces this shell.
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
exec "$@"
