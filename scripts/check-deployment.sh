#!/usr/bin/env bash
# Checks the deployment material offline, as CI runs it (.ci/run) and the pipeline's lint
# stage too:
#   - the Helm chart: helm lint; both environments rendered, validated against the
#     Kubernetes schemas (oldest supported and newest version), and tested (namespace, probes
#     and limits on every container, no secret in values or manifests, HPA and PDB for every
#     Deployment); values.schema.json refuses wrong values; the namespace guard holds;
#   - docker-compose.yml against the Compose specification, and against .env.example;
#   - every variable compose and Helm give the processes is documented in README.md;
#   - the pipeline: every Jenkinsfile step runs a script; shellcheck; build, push, deploy and
#     rollback in dry-run; the smoke test and the rollback decision for real, against a
#     stand-in platform;
#   - the chart on a real control plane (scripts/deploy/check-cluster.sh, on
#     scripts/test-cluster.sh's etcd, kube-apiserver and kube-controller-manager): both
#     environments installed, upgraded, rolled back and uninstalled, and what the API server
#     and the controllers made of them. Settings: CHECK_CLUSTER, CLUSTER_SETTLE_TIMEOUT there.
# Tools (helm, kubernetes-validate, check-jsonschema, hadolint, shellcheck) come from
# scripts/deploy/tools.sh, cached under TEST_SERVERS_CACHE.
#   KUBERNETES_VERSIONS  versions to validate against (default: "1.29.0 1.37.0")
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/deploy/tools.sh
source scripts/deploy/tools.sh

KUBERNETES_VERSIONS="${KUBERNETES_VERSIONS:-1.29.0 1.37.0}"
CHART=helm/expedientes
ENVIRONMENTS=(preproduction production)
WORK="$(mktemp -d)"
FAKE_PIDS=()
# shellcheck source=scripts/deploy/check-cluster.sh
source scripts/deploy/check-cluster.sh
cleanup() {
  local pid
  for pid in "${FAKE_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  cluster_down || true
  rm -rf "$WORK"
}
trap cleanup EXIT

T0=$SECONDS
STEPS=0
FAILED=()
step() {
  local name="$1" t=$SECONDS
  shift
  STEPS=$((STEPS + 1))
  printf '\n--- %s\n' "$name"
  if "$@"; then
    printf '    ok (%ds)\n' $((SECONDS - t))
  else
    printf '    FAILED (%ds)\n' $((SECONDS - t))
    FAILED+=("$name")
  fi
}
# The command must fail, and say what the pattern says.
refuses() {
  local pattern="$1" output
  shift
  if output="$("$@" 2>&1)"; then
    echo "    accepted, but should have refused: $*"
    return 1
  fi
  grep -qE "$pattern" <<<"$output" || {
    echo "    refused, but not for the expected reason ($pattern):"
    head -n 20 <<<"$output"
    return 1
  }
}

tools() {
  ensure_helm && ensure_python_tools || return 1
  "$HELM" version --short
  "$DEPLOY_VENV/bin/kubernetes-validate" --version
  "$DEPLOY_VENV/bin/check-jsonschema" --version
  "$DEPLOY_VENV/bin/hadolint" --version
  "$DEPLOY_VENV/bin/shellcheck" --version | sed -n 2p
}

check() { node scripts/deploy/check-deployment.js "$@"; }

render() {
  local environment="$1"
  shift
  "$HELM" template expedientes "$CHART" --namespace "$environment" \
    -f "$CHART/values-$environment.yaml" --set image.tag=0123456789ab "${CLUSTER_APIS[@]}" "$@"
}

helm_lint() {
  local environment
  for environment in "${ENVIRONMENTS[@]}"; do
    # lint knows no cluster APIs: the ServiceMonitor, which needs one, is rendered below.
    "$HELM" lint --strict "$CHART" --namespace "$environment" \
      -f "$CHART/values-$environment.yaml" --set image.tag=0123456789ab \
      --set metrics.serviceMonitor.enabled=false || return 1
  done
}

render_environments() {
  local environment
  for environment in "${ENVIRONMENTS[@]}"; do
    render "$environment" >"$WORK/$environment.yaml" || return 1
    echo "    $environment: $(grep -c '^kind:' "$WORK/$environment.yaml") objects"
  done
  # The chart's own Secret, for installs without an existing one: values given at deploy
  # time, from files (--set-file), as README.md shows.
  local key files=()
  for key in AUTH_SIGNING_KEYS AUTH_COOKIE_KEYS AUTH_GATEWAY_CLIENT_SECRET GATEWAY_SESSION_SECRET \
    MYSQL_ROOT_PASSWORD AUTH_MYSQL_PASSWORD EXPEDIENTES_MYSQL_PASSWORD BPM_MYSQL_PASSWORD \
    SEARCH_MYSQL_PASSWORD GATEWAY_MYSQL_PASSWORD MONGODB_ROOT_PASSWORD \
    EXPEDIENTES_MONGODB_PASSWORD DOCUMENTS_MONGODB_PASSWORD ADMIN_KAFKA_PASSWORD \
    EXPEDIENTES_KAFKA_PASSWORD DOCUMENTS_KAFKA_PASSWORD BPM_KAFKA_PASSWORD SEARCH_KAFKA_PASSWORD \
    GATEWAY_KAFKA_PASSWORD; do
    printf 'not-a-real-%s' "$key" >"$WORK/$key"
    files+=(--set-file "secrets.values.$key=$WORK/$key")
  done
  render preproduction --set secrets.existingSecret= "${files[@]}" \
    --show-only templates/secret.yaml >"$WORK/secret.yaml"
}

validate_kubernetes() {
  local version
  for version in $KUBERNETES_VERSIONS; do
    # A ServiceMonitor is a CRD no schema set knows: reported, not validated.
    "$DEPLOY_VENV/bin/kubernetes-validate" --strict --quiet -k "$version" \
      "$WORK/preproduction.yaml" "$WORK/production.yaml" "$WORK/secret.yaml" || return 1
    echo "    valid for Kubernetes $version"
  done
}

test_manifests() {
  local environment
  for environment in "${ENVIRONMENTS[@]}"; do
    check manifests "$WORK/$environment.yaml" --namespace "$environment" || return 1
  done
  check values "$CHART"/values*.yaml
}

schema_refuses() {
  refuses 'LOG_LEVEL' render preproduction --set config.LOG_LEVEL=loud &&
    refuses 'EVENT_STORE' render preproduction --set config.EVENT_STORE=postgres &&
    refuses 'replicas' render production --set components.gateway.replicas=0 &&
    refuses 'memory' render production --set components.bpm.resources.limits.memory=lots &&
    refuses 'resources' render production --set components.search.resources=null &&
    refuses 'SEARCH_MYSQL_PASSWORD' render production --set config.SEARCH_MYSQL_PASSWORD=hunter2 &&
    refuses 'clusterId' render production --set kafka.clusterId=short &&
    refuses 'colour' render production --set colour=blue &&
    refuses 'image.tag is required' "$HELM" template expedientes "$CHART" \
      --namespace preproduction -f "$CHART/values-preproduction.yaml" &&
    refuses 'not "preproduction"' render production --namespace preproduction &&
    refuses 'mysql.external.host is required' render production --set mysql.external.host= &&
    refuses 'secrets.values.AUTH_SIGNING_KEYS is required' render preproduction \
      --set secrets.existingSecret= &&
    refuses "Prometheus Operator's CRDs" "$HELM" template expedientes "$CHART" \
      --namespace production -f "$CHART/values-production.yaml" --set image.tag=0123456789ab &&
    refuses 'whenUninstalled' render production --set storage.whenUninstalled=Forget
}

compose() {
  "$DEPLOY_VENV/bin/check-jsonschema" --builtin-schema vendor.compose-spec docker-compose.yml &&
    check compose docker-compose.yml .env.example
}

network_flows() {
  local environment
  for environment in "${ENVIRONMENTS[@]}"; do
    check network-flows "$WORK/$environment.yaml" "$CHART/values.yaml" README.md || return 1
  done
}

documented_once() {
  check env-names README.md --compose docker-compose.yml \
    --manifests "$WORK/preproduction.yaml" --manifests "$WORK/production.yaml"
}

pipeline_scripts() {
  check jenkinsfile Jenkinsfile &&
    "$DEPLOY_VENV/bin/shellcheck" -x scripts/check-deployment.sh scripts/test-cluster.sh \
    scripts/pipeline/*.sh \
    scripts/deploy/*.sh scripts/docker/*.sh scripts/npm-install.sh \
    "$CHART/files/mysql/create-databases.sh" "$CHART/files/kafka/start-kafka.sh"
}

pipeline_dry_run() {
  local -x DRY_RUN=1 IMAGE_REPOSITORY=registry.example.org/expedientes IMAGE_TAG=0123456789ab
  local out="$WORK/pipeline.log"
  if ! {
    bash scripts/pipeline/build-images.sh &&
      bash scripts/pipeline/push-images.sh &&
      bash scripts/pipeline/deploy.sh preproduction &&
      SECRETS_ENV_FILE=/dev/null bash scripts/pipeline/deploy.sh production &&
      bash scripts/pipeline/rollback.sh production
  } >"$out" 2>&1; then
    sed 's/^/      /' "$out"
    return 1
  fi
  local expected
  for expected in \
    "docker build --pull -f scripts/docker/node.Dockerfile --build-arg WORKSPACE=services/bpm --build-arg PORT=3003 -t $IMAGE_REPOSITORY/bpm:$IMAGE_TAG" \
    "docker push $IMAGE_REPOSITORY/gateway:$IMAGE_TAG" \
    "kubectl create secret generic expedientes-secrets --namespace production" \
    "upgrade --install expedientes helm/expedientes --namespace production" \
    "rollback expedientes 0 --namespace production"; do
    grep -qF -- "$expected" "$out" || {
      echo "    the dry run did not say: $expected"
      return 1
    }
  done
  refuses 'unknown environment' bash scripts/pipeline/deploy.sh staging || return 1
  grep -E '^\[dry-run\]' "$out" | sed 's/^/    /'
}

# Starts a stand-in platform (healthy or broken) on a free port; sets FAKE_URL to its URL.
start_fake_platform() {
  local log="$WORK/fake-$1.url" tries=50
  node scripts/pipeline/fake-platform.js "$1" smoke-client smoke-secret >"$log" 2>&1 &
  FAKE_PIDS+=($!)
  while [[ ! -s "$log" ]] && ((tries-- > 0)); do sleep 0.1; done
  FAKE_URL="$(head -n 1 "$log")"
  [[ "$FAKE_URL" == http://* ]]
}

smoke_and_rollback() {
  local -x DRY_RUN=1 IMAGE_TAG=0123456789ab SMOKE_ATTEMPTS=2 SMOKE_INTERVAL_SECONDS=0
  local -x SMOKE_CLIENT_ID=smoke-client SMOKE_CLIENT_SECRET=smoke-secret
  local healthy broken out="$WORK/release.log"
  start_fake_platform healthy && healthy="$FAKE_URL" || return 1
  start_fake_platform broken && broken="$FAKE_URL" || return 1

  if ! SMOKE_BASE_URL="$healthy" bash scripts/pipeline/release.sh production >"$out" 2>&1 ||
    grep -q 'rollback' "$out"; then
    echo "    a healthy release did not stay:"
    sed 's/^/      /' "$out"
    return 1
  fi
  echo "    a healthy release stays"

  SMOKE_CLIENT_SECRET=wrong refuses 'the token request answered 401' \
    bash scripts/pipeline/smoke-test.sh "$healthy" || return 1
  echo "    a wrong client secret fails the smoke test"

  if SMOKE_BASE_URL="$broken" bash scripts/pipeline/release.sh preproduction >"$out" 2>&1 ||
    ! grep -q "rollback expedientes 0 --namespace preproduction" "$out"; then
    echo "    a broken release was not rolled back, or the stage did not fail:"
    sed 's/^/      /' "$out"
    return 1
  fi
  echo "    a broken release is rolled back, and the stage fails"
}

step "tools" tools
step "helm lint (both environments)" helm_lint
step "helm template (both environments, and the chart's Secret)" render_environments
step "validate against the Kubernetes schemas ($KUBERNETES_VERSIONS)" validate_kubernetes
step "test the rendered manifests and the values files" test_manifests
step "values.schema.json and the chart refuse wrong values" schema_refuses
step "docker-compose.yml: Compose specification, .env.example" compose
step "the NetworkPolicies allow exactly the flows README.md lists" network_flows
step "every variable documented once in README.md" documented_once
step "Jenkinsfile steps and shellcheck" pipeline_scripts
step "pipeline in dry-run: build, push, deploy, rollback" pipeline_dry_run
step "pipeline: smoke test and rollback against a stand-in platform" smoke_and_rollback
step "pipeline: canary release, promoted or rolled back, against a stand-in platform" node scripts/deploy/check-canary.js
step "control plane: build (cached) and start, the cluster's prerequisites" cluster_up
step "preproduction on the control plane: install, upgrade, rollback, uninstall" \
  cluster_step cluster_environment preproduction
step "production on the control plane: install, upgrade, rollback, uninstall" \
  cluster_step cluster_environment production

printf '\n%d checks, %d failed, in %ds\n' "$STEPS" ${#FAILED[@]} $((SECONDS - T0))
if [[ $CLUSTER_STATE == skipped ]]; then
  echo "SKIPPED: the checks on a Kubernetes control plane (see the step 'control plane' above)"
fi
if ((${#FAILED[@]})); then
  printf 'failed: %s\n' "${FAILED[@]}"
  exit 1
fi
