#!/usr/bin/env bash
# Pipeline stage "Build images": lints every Dockerfile and checks what it copies, then builds
# each runnable's image from the repository root, tagged with the commit. DRY_RUN=1 prints
# the docker build commands after the checks.
# shellcheck source=scripts/pipeline/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/deploy/tools.sh
source scripts/deploy/tools.sh
ensure_python_tools

dockerfiles=(frontend/Dockerfile "$NODE_DOCKERFILE")
"$DEPLOY_VENV/bin/hadolint" "${dockerfiles[@]}"
node scripts/deploy/check-deployment.js dockerfiles "${dockerfiles[@]}"
say "Dockerfiles checked: ${dockerfiles[*]}"

for component in "${COMPONENTS[@]}"; do
  if [[ "$component" == frontend && ! -f frontend/package.json ]]; then
    say "frontend: skipped, the frontend workspace does not exist yet"
    continue
  fi
  read -ra args <<<"$(build_args_of "$component")"
  change docker build --pull -f "$(dockerfile_of "$component")" "${args[@]}" \
    -t "$(image_of "$component")" --label "org.opencontainers.image.revision=$IMAGE_TAG" .
done
