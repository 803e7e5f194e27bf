#!/usr/bin/env bash
# Pipeline stage "Push images": the images build-images.sh tagged, to IMAGE_REPOSITORY's
# registry; logs in first when REGISTRY_USER and REGISTRY_PASSWORD are given.
# shellcheck source=scripts/pipeline/lib.sh
source "$(dirname "$0")/lib.sh"
[[ "$IMAGE_REPOSITORY" == */* ]] || die "IMAGE_REPOSITORY '$IMAGE_REPOSITORY' names no registry"
if [[ -n "${REGISTRY_USER:-}" ]]; then
  registry="${IMAGE_REPOSITORY%%/*}"
  if [[ -n "$DRY_RUN" ]]; then
    printf '[dry-run] docker login %s -u %s --password-stdin\n' "$registry" "$REGISTRY_USER"
  else
    printf '%s' "${REGISTRY_PASSWORD:?}" | docker login "$registry" -u "$REGISTRY_USER" --password-stdin
  fi
fi
for component in "${COMPONENTS[@]}"; do
  if [[ "$component" == frontend && ! -f frontend/package.json ]]; then
    say "frontend: skipped, the frontend workspace does not exist yet"
    continue
  fi
  change docker push "$(image_of "$component")"
done
