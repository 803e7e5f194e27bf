#!/usr/bin/env bash
# Rolls an environment back to the release before the current one:
# `rollback.sh preproduction|production`. DRY_RUN=1 prints the command.
# shellcheck source=scripts/pipeline/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/deploy/tools.sh
source scripts/deploy/tools.sh
environment="${1:-}"
environment_values "$environment" >/dev/null
ensure_helm
change "$HELM" rollback "$HELM_RELEASE" 0 --namespace "$environment" --wait --timeout 10m
