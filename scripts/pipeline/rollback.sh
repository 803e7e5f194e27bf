#!/usr/bin/env bash
# Rolls an environment back to the release before the current one, or to the revision given:
# `rollback.sh preproduction|production [revision]`. DRY_RUN=1 prints the command.
# shellcheck source=scripts/pipeline/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/deploy/tools.sh
source scripts/deploy/tools.sh
environment="${1:-}"
environment_values "$environment" >/dev/null
revision="${2:-0}"
[[ "$revision" =~ ^[0-9]+$ || -n "$DRY_RUN" ]] || die "no revision '$revision' to roll back to"
ensure_helm
change "$HELM" rollback "$HELM_RELEASE" "$revision" --namespace "$environment" --wait --timeout 10m
