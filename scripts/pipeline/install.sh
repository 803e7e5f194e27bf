#!/usr/bin/env bash
# Pipeline stage "Install": the project's dependencies, as locked.
# shellcheck source=scripts/pipeline/lib.sh
source "$(dirname "$0")/lib.sh"
if [[ -n "$DRY_RUN" ]]; then
  printf '[dry-run] sh scripts/npm-install.sh\n'
else
  sh scripts/npm-install.sh
fi
