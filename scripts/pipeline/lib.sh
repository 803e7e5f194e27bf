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

# The runnables. The Node ones share one Dockerfile, told which workspace (and its port) by
# build arguments; the web UI has its own.
# shellcheck disable=SC2034 # used by the scripts that source this one
COMPONENTS=(gateway auth expedientes documents bpm search frontend)
NODE_DOCKERFILE=scripts/docker/node.Dockerfile
dockerfile_of() {
  case "$1" in
    frontend) echo frontend/Dockerfile ;;
    *) echo "$NODE_DOCKERFILE" ;;
  esac
}
# The build arguments of a runnable's image: its workspace and the port it listens on.
build_args_of() {
  case "$1" in
    frontend) ;;
    gateway) echo --build-arg WORKSPACE=gateway --build-arg PORT=8080 ;;
    auth) echo --build-arg WORKSPACE=services/auth --build-arg PORT=3005 ;;
    expedientes) echo --build-arg WORKSPACE=services/expedientes --build-arg PORT=3001 ;;
    documents) echo --build-arg WORKSPACE=services/documents --build-arg PORT=3002 ;;
    bpm) echo --build-arg WORKSPACE=services/bpm --build-arg PORT=3003 ;;
    search) echo --build-arg WORKSPACE=services/search --build-arg PORT=3004 ;;
    *) die "no image for '$1'" ;;
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

# Where an environment answers: SMOKE_BASE_URL when given, else the chart's PUBLIC_URL for
# its values (`public_url <environment> <values file>`; needs helm: ensure_helm).
public_url() {
  local url="${SMOKE_BASE_URL:-}"
  [[ -n "$url" ]] || url="$("$HELM" template "$HELM_RELEASE" "$CHART" --namespace "$1" -f "$2" \
    --set image.tag="$IMAGE_TAG" "${CLUSTER_APIS[@]}" --show-only templates/configmap.yaml |
    sed -n 's/^ *PUBLIC_URL: *"\(.*\)"$/\1/p')"
  [[ -n "$url" ]] || die "no public URL for $1"
  echo "$url"
}

# The environments and their namespaces: the values file names both.
environment_values() {
  local environment="$1" file="$CHART/values-$1.yaml"
  [[ "$environment" =~ ^(preproduction|production)$ && -f "$file" ]] \
    || die "unknown environment '$environment' (preproduction or production)"
  echo "$file"
}
