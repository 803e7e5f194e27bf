#!/usr/bin/env bash
# Deploy, smoke test, and roll back when the smoke test fails: `release.sh <environment>`.
# The smoke test goes to the environment's public URL (the chart's PUBLIC_URL), or to
# SMOKE_BASE_URL when given. Exits non-zero when the release was rolled back.
# shellcheck source=scripts/pipeline/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/deploy/tools.sh
source scripts/deploy/tools.sh
environment="${1:-}"
values="$(environment_values "$environment")"
here="$(dirname "$0")"

bash "$here/deploy.sh" "$environment"

ensure_helm
public_url="$(public_url "$environment" "$values")"

if bash "$here/smoke-test.sh" "$public_url"; then
  say "$environment: $IMAGE_TAG deployed and answering at $public_url"
else
  say "$environment: the smoke test failed; rolling back"
  bash "$here/rollback.sh" "$environment"
  die "$environment: $IMAGE_TAG rolled back"
fi
