#!/usr/bin/env bash
# Pipeline stage "Unit tests": no I/O, no servers.
# shellcheck source=scripts/pipeline/lib.sh
source "$(dirname "$0")/lib.sh"
npm run test:unit -- --ci
