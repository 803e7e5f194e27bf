#!/usr/bin/env bash
# Pipeline stage "Integration tests": adapters against real servers, then the built system end
# to end. On the agent, testcontainers starts Kafka, MariaDB and MongoDB in Docker (or the
# suites use KAFKA_BROKERS, MYSQL_URL, MONGODB_URL, EVENTSTORE_URL when set). With CI=true
# a suite that finds no server fails instead of skipping.
# shellcheck source=scripts/pipeline/lib.sh
source "$(dirname "$0")/lib.sh"
export CI=true
if [[ -z "${KAFKA_BROKERS:-}" ]] && ! docker info >/dev/null 2>&1; then
  die "no Docker engine for testcontainers, and no KAFKA_BROKERS/MYSQL_URL/MONGODB_URL given"
fi
npm run build
npm run test:int -- --ci
npm run test:e2e -- --ci
