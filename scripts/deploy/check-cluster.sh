# shellcheck shell=bash
# The chart against a real Kubernetes control plane (scripts/test-cluster.sh: etcd,
# kube-apiserver, kube-controller-manager; no kubelet, so pods stay Pending): the checks of
# scripts/check-deployment.sh that a schema cannot make. Sourced by it, which gives `refuses`,
# CHART, WORK and HELM; each function below is one of its steps.
#   cluster_up           build (cached) and start the control plane; the prerequisites
#                        README.md lists (StorageClasses, IngressClass)
#   cluster_environment  for preproduction or production, as README.md and deploy.sh do it:
#                        the namespace labelled `restricted` and the Secret; production without
#                        the Prometheus Operator's CRD refused, then with it accepted; the
#                        rendered manifests in a server-side dry run (strict field validation,
#                        no warning); helm upgrade --install, and what the controllers made of
#                        it (scripts/deploy/check-cluster.js); an upgrade to another image tag;
#                        helm rollback; helm uninstall, and what is left
#   cluster_down         stop it (also on exit: check-deployment.sh's trap)
# Settings:
#   CHECK_CLUSTER          1: a control plane that cannot be built or started fails the
#                          checks; 0: skip them; unset: 1 under CI (CI=true), else skip them
#                          with a warning when the control plane cannot be had
#   CLUSTER_SETTLE_TIMEOUT seconds the controllers get to make what is checked (default 120)
# and scripts/test-cluster.sh's (TEST_SERVERS_CACHE, TEST_CLUSTER_PORT...).

CLUSTER_DIR="$WORK/cluster"
CLUSTER_SETTLE_TIMEOUT="${CLUSTER_SETTLE_TIMEOUT:-120}"
CLUSTER_STATE=""   # up, skipped, or failed once cluster_up has run
RELEASE=expedientes
# The release's kinds and what the controllers make of them, read after every helm command.
RELEASE_KINDS=deployments,replicasets,pods,statefulsets,persistentvolumeclaims
RELEASE_KINDS+=,poddisruptionbudgets,horizontalpodautoscalers

cluster_required() {
  case "${CHECK_CLUSTER:-}" in
    1) return 0 ;;
    0) return 1 ;;
    *) [[ ${CI:-} == true ]] ;;
  esac
}

cluster_up() {
  if [[ ${CHECK_CLUSTER:-} == 0 ]]; then
    CLUSTER_STATE=skipped
    echo "    CHECK_CLUSTER=0: the checks against a control plane are SKIPPED"
    return 0
  fi
  local out
  if ! out="$(TEST_CLUSTER_DIR="$CLUSTER_DIR" bash scripts/test-cluster.sh up)"; then
    if cluster_required; then
      CLUSTER_STATE=failed
      echo "    the control plane could not be built or started (scripts/test-cluster.sh)"
      return 1
    fi
    CLUSTER_STATE=skipped
    printf '    %s\n' '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' \
      'the control plane could not be built or started: the checks against it are SKIPPED' \
      '(under CI, or with CHECK_CLUSTER=1, this fails)' \
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!'
    return 0
  fi
  eval "$out"
  # kubectl's and helm's caches of the API's discovery, for this control plane only.
  export KUBECACHEDIR="$CLUSTER_DIR/kube-cache" HELM_CACHE_HOME="$CLUSTER_DIR/helm-cache"
  export HELM_CONFIG_HOME="$CLUSTER_DIR/helm-config" HELM_DATA_HOME="$CLUSTER_DIR/helm-data"
  CLUSTER_STATE=up
  echo "    $(kubectl version | grep Server), API server at $(kubectl config view -o \
    jsonpath='{.clusters[0].cluster.server}')"
  kubectl apply -f scripts/deploy/cluster/prerequisites.yaml | sed 's/^/    /' || return 1
}

cluster_down() {
  [[ -d $CLUSTER_DIR ]] || return 0
  TEST_CLUSTER_DIR="$CLUSTER_DIR" bash scripts/test-cluster.sh down
}

# A step that needs the control plane: skipped (and passed) when cluster_up skipped it.
cluster_step() {
  case "$CLUSTER_STATE" in
    up) "$@" ;;
    skipped) echo "    SKIPPED: no control plane" ;;
    *) echo "    no control plane" && return 1 ;;
  esac
}

indent() { sed 's/^/      /'; }

# Runs a command; fails, showing its output, if it fails or warns (a deprecated API, a pod the
# namespace's Pod Security level would refuse...).
no_warning() {
  local out rc=0
  out="$("$@" 2>&1)" || rc=$?
  if ((rc != 0)) || grep -qi 'warning' <<<"$out"; then
    indent <<<"$out"
    echo "    $( ((rc != 0)) && echo "failed (exit $rc)" || echo "a warning"): $*"
    return 1
  fi
}

# The release's objects in the namespace $1, and what the controllers made of them.
release_objects() { kubectl get "$RELEASE_KINDS" --namespace "$1" -o json; }

# Everything in the namespace $1, of every kind that can be listed (but Endpoints, deprecated:
# their EndpointSlices are listed).
namespace_objects() {
  local kinds
  kinds="$(kubectl api-resources --verbs=list --namespaced -o name | grep -vx endpoints |
    paste -sd, -)"
  kubectl get "$kinds" --namespace "$1" -o json
}

# until_checked NAMESPACE LIST COMMAND ARGS...: waits until check-cluster.js COMMAND finds
# nothing wrong with what LIST (a function) lists of the namespace, or the time is up. The
# values are the release's, as `settles` last read them.
until_checked() {
  local namespace="$1" list="$2" t0=$SECONDS out rc
  shift 2
  while true; do
    rc=0
    "$list" "$namespace" >"$WORK/objects.json" &&
      out="$(node scripts/deploy/check-cluster.js "$1" "$WORK/objects.json" \
        "$WORK/values.json" "${@:2}" 2>&1)" || rc=$?
    ((rc == 0)) && break
    if ((rc == 2 || SECONDS - t0 >= CLUSTER_SETTLE_TIMEOUT)); then
      echo "    check-cluster.js $1, after $((SECONDS - t0))s:"
      indent <<<"$out"
      return 1
    fi
    sleep 2
  done
  WAITED=$((SECONDS - t0))
}

# The uids of the claims in `kubectl get pvc -o json` on stdin, sorted.
claim_uids() {
  node -e 'const { items } = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
    console.log(items.map((claim) => claim.metadata.uid).sort().join(" "));'
}

# Counts of the objects of the kinds $2 in the namespace $1: "7 deployment.apps, 14 pod".
census() {
  kubectl get "$2" --namespace "$1" -o name | cut -d/ -f1 | sort | uniq -c |
    awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }'
}

# settles NAMESPACE release ARGS...: waits until the release in the namespace is as
# check-cluster.js's `release` ARGS... wants.
settles() {
  local namespace="$1"
  shift
  "$HELM" get values "$RELEASE" --namespace "$namespace" --all -o json >"$WORK/values.json" &&
    until_checked "$namespace" release_objects "$@" || return 1
  echo "    settled in ${WAITED}s: $(census "$namespace" deployments,replicasets,pods,statefulsets,pvc)"
}

cluster_environment() {
  local environment="$1"
  local values="$CHART/values-$environment.yaml"
  local helm_args=("$RELEASE" "$CHART" --namespace "$environment" -f "$values")
  # The first install's tag is the one the offline renders use.
  local tag=0123456789ab next=ba9876543210
  # Production's claims go with the release, preproduction's stay (the default): both ways
  # of storage.whenUninstalled are seen.
  if [[ $environment == production ]]; then
    helm_args+=(--set storage.whenUninstalled=Delete)
  fi

  echo "    the namespace, labelled as scripts/pipeline/deploy.sh does"
  kubectl create namespace "$environment" >/dev/null &&
    kubectl label namespace "$environment" pod-security.kubernetes.io/enforce=restricted \
      pod-security.kubernetes.io/warn=restricted >/dev/null || return 1
  # The service account controller gives the namespace its `default`, which a pod needs.
  kubectl wait --for jsonpath='{.metadata.name}'=default --timeout 60s \
    serviceaccount/default -n "$environment" >/dev/null || return 1
  refuses 'violates PodSecurity "restricted' kubectl run pod-security-probe -n "$environment" \
    --image=busybox --dry-run=server || return 1
  echo "    Pod Security refuses a pod without the restricted settings in the namespace"

  if [[ $environment == production ]]; then
    refuses "needs the Prometheus Operator's CRDs" "$HELM" upgrade --install "${helm_args[@]}" \
      --set image.tag=$tag || return 1
    echo "    without the Prometheus Operator's CRD, the install is refused before it starts"
    kubectl apply -f scripts/deploy/cluster/servicemonitor-crd.yaml >/dev/null &&
      kubectl wait --for condition=Established --timeout 60s \
        crd/servicemonitors.monitoring.coreos.com >/dev/null || return 1
    echo "    with it (scripts/deploy/cluster/servicemonitor-crd.yaml), the install goes on"
  fi

  # Preproduction's with the chart's own Secret too (rendered for installs without one; of
  # the name of the one created next, so before it).
  local rendered=(-f "$WORK/$environment.yaml")
  if [[ $environment == preproduction ]]; then rendered+=(-f "$WORK/secret.yaml"); fi
  no_warning kubectl apply --dry-run=server --validate=strict "${rendered[@]}" -o name ||
    return 1
  echo "    kubectl apply --dry-run=server --validate=strict: the rendered manifests accepted"

  node scripts/deploy/generate-secrets.js --env >"$WORK/$environment.env" &&
    kubectl create secret generic expedientes-secrets -n "$environment" \
      --from-env-file="$WORK/$environment.env" >/dev/null || return 1
  echo "    the Secret, as README.md says"

  echo "    helm upgrade --install (image tag $tag)"
  no_warning "$HELM" upgrade --install "${helm_args[@]}" --set image.tag=$tag || return 1
  settles "$environment" release --tag $tag --after install || return 1
  # Every object of the release is in the cluster (the ServiceMonitors, NetworkPolicies too).
  "$HELM" get manifest "$RELEASE" --namespace "$environment" | kubectl get -f - -o name \
    >"$WORK/release-objects" || return 1
  echo "    the release's $(wc -l <"$WORK/release-objects") objects are all there"
  kubectl get pvc --namespace "$environment" -o json >"$WORK/claims.json" || return 1

  echo "    helm upgrade to image tag $next"
  no_warning "$HELM" upgrade "${helm_args[@]}" --set image.tag=$next || return 1
  settles "$environment" release --tag $next --after upgrade || return 1

  echo "    helm rollback to the first revision"
  no_warning "$HELM" rollback "$RELEASE" 1 --namespace "$environment" || return 1
  settles "$environment" release --tag $tag --after rollback || return 1
  "$HELM" history "$RELEASE" --namespace "$environment" | indent

  echo "    helm uninstall"
  no_warning "$HELM" uninstall "$RELEASE" --namespace "$environment" || return 1
  until_checked "$environment" namespace_objects uninstalled --claims "$WORK/claims.json" ||
    return 1
  echo "    after ${WAITED}s, left as README.md says: $(kubectl get secrets,pvc \
    --namespace "$environment" -o name | paste -sd' ' -)"
  if [[ $environment == preproduction ]]; then
    # "an install with the same release name finds it"
    no_warning "$HELM" install "${helm_args[@]}" --set image.tag=$tag || return 1
    settles "$environment" release --tag $tag --after install || return 1
    [[ "$(claim_uids <"$WORK/claims.json")" == "$(kubectl get pvc --namespace "$environment" \
      -o json | claim_uids)" ]] || {
      echo "    a new install did not find the claims the first one left"
      return 1
    }
    echo "    a new install of the release finds the claims the first one left"
  fi
}
