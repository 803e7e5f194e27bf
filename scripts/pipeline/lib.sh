# shellcheck shell=bash
# What every pipeline script shares (source it). The Jenkinsfile calls these scripts, and
# CI runs them too (scripts/check-deployment.sh), with DRY_RUN=1 where they would push or
# deploy: then they print each command that would change something, and run the rest.
#   DRY_RUN           1: print instead of push, deploy or roll back (default: run)
#   IMAGE_REPOSITORY  images are <IMAGE_REPOSITORY>/<component>:<IMAGE_TAG> (default: expedientes)
#   IMAGE_TAG         default: the commit, git rev-parse --short=12 HEAD
#   HELM_RELEASE      default: expedientes
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO_ROOT"

DRY_RUN="${DRY_RUN:-}"
IMAGE_REPOSITORY="${IMAGE_REPOSITORY:-expedientes}"
IMAGE_TAG="${IMAGE_TAG:-$(git rev-parse --short=12 HEAD 2>/dev/null || echo dev)}"
HELM_RELEASE="${HELM_RELEASE:-expedientes}"
CHART=helm/expedientes

# The runnables, each with its image's Dockerfile.
# shellcheck disable=SC2034 # used by the scripts that source this one
COMPONENTS=(gateway auth expedientes documents bpm search frontend)
dockerfile_of() {
  case "$1" in
    gateway | frontend) echo "$1/Dockerfile" ;;
    *) echo "services/$1/Dockerfile" ;;
  esac
}
image_of() { echo "$IMAGE_REPOSITORY/$1:$IMAGE_TAG"; }

say() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }
die() {
  say "$*"
  exit 1
}

# Runs a command that changes something outside this checkout; prints it under DRY_RUN.
change() {
  if [[ -n "$DRY_RUN" ]]; then
    printf '[dry-run] %s\n' "$*"
  else
    printf '+ %s\n' "$*" >&2
    "$@"
  fi
}

# The environments and their namespaces: the values file names both.
environment_values() {
  local environment="$1" file="$CHART/values-$1.yaml"
  [[ "$environment" =~ ^(preproduction|production)$ && -f "$file" ]] \
    || die "unknown environment '$environment' (preproduction or production)"
  echo "$file"
}
