#!/usr/bin/env bash
# A small Kubernetes control plane on loopback, for the deployment checks
# (scripts/deploy/check-cluster.sh) and for trying the chart by hand: etcd,
# kube-apiserver (RBAC, the Pod Security admission and the other default
# admission plugins) and kube-controller-manager (every default controller:
# Deployments, ReplicaSets, StatefulSets, autoscalers, disruption budgets,
# garbage collection...), with a kubeconfig for cluster-admin. No kubelet, no
# scheduler: pods are created and stay Pending.
#
# The four programs (and kubectl) are one binary built from the Go module proxy
# (scripts/servers/kubernetes/: Kubernetes and etcd at the versions its go.mod
# pins), once, into TEST_SERVERS_CACHE, like scripts/test-servers.sh's servers.
#
# Usage: scripts/test-cluster.sh build|up|down|env|status|clean
#
#   build   build the binary if it is not cached (cold: 7 to 11 minutes on
#           2 cores, and 4 GB of Go build cache; then about 20 seconds)
#   up      build, then start what is not running (certificates made with
#           openssl on the first start), wait until the API server answers and
#           the controllers work, and print the environment as `env` does
#   down    stop the controller manager, the API server and etcd (SIGTERM,
#           SIGKILL after 15 s)
#   env     print `export KUBECONFIG=... PATH=...` (kubectl among them):
#           eval "$(scripts/test-cluster.sh env)"
#   status  say what runs
#   clean   down, then delete the run dir (etcd's data, certificates, logs)
#
# Settings (environment):
#   TEST_SERVERS_CACHE    where the binary is kept (default ~/.cache/expedientes-test-servers)
#   TEST_CLUSTER_DIR      run dir: certificates, kubeconfigs, etcd's data, logs
#                         (default .servers/cluster)
#   TEST_CLUSTER_PORT     the API server's port; etcd takes the next two, the
#                         controller manager the third. Default: the first of
#                         16443, 16453, ... whose four ports are free
#   TEST_CLUSTER_TIMEOUT  seconds to wait for each program to answer (default 120)
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC_DIR="$REPO_DIR/scripts/servers/kubernetes"
CACHE_DIR="${TEST_SERVERS_CACHE:-$HOME/.cache/expedientes-test-servers}/kubernetes"
RUN_DIR="${TEST_CLUSTER_DIR:-$REPO_DIR/.servers/cluster}"
[[ $RUN_DIR == /* ]] || RUN_DIR="$PWD/$RUN_DIR"
TIMEOUT="${TEST_CLUSTER_TIMEOUT:-120}"
HOST=127.0.0.1
# The version the API server reports: Kubernetes' own, from the go.mod that pins it.
K8S_VERSION="$(awk '$1 == "k8s.io/kubernetes" { print $2; exit }' "$SRC_DIR/go.mod")"
BIN="$CACHE_DIR/kube-testcluster-$K8S_VERSION"
PROGRAMS=(etcd kube-apiserver kube-controller-manager)

log() { printf '[test-cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}
[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "TEST_CLUSTER_TIMEOUT must be a number, got '$TIMEOUT'"
[[ $K8S_VERSION =~ ^v1\.([0-9]+)\.[0-9]+$ ]] || die "no k8s.io/kubernetes version in $SRC_DIR/go.mod"
K8S_MINOR="${BASH_REMATCH[1]}"

# ------------------------------------------------------------------ build ---

# What the binary is built from: a change to any of it builds it again.
build_key() {
  {
    cat "$SRC_DIR/go.mod" "$SRC_DIR/go.sum" "$SRC_DIR/main.go"
    go version
    ldflags
  } | sha256sum | cut -d' ' -f1
}

# Upstream's build stamps the version into client-go and component-base
# (hack/lib/version.sh); without it the API server says v0.0.0, which the
# chart's kubeVersion refuses.
ldflags() {
  local flags="-s -w" pkg
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    flags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$K8S_MINOR"
    flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  echo "$flags"
}

build() {
  command -v go >/dev/null || die "go not found (needed once to build the control plane)"
  local key
  key="$(build_key)"
  if [[ -x "$BIN" && -f "$BIN.sha256" && "$(<"$BIN.sha256")" == "$key" ]]; then
    log "control plane $K8S_VERSION cached at $BIN"
    return 0
  fi
  mkdir -p "$CACHE_DIR"
  local buildlog="$CACHE_DIR/build.log" total t0=$SECONDS
  export GOFLAGS=-buildvcs=false
  log "building the control plane (Kubernetes $K8S_VERSION, etcd) from the Go module proxy:" \
    "7 to 11 minutes the first time on 2 cores, seconds with a warm Go build cache"
  log "downloading the modules"
  total="$(cd "$SRC_DIR" && go list -mod=readonly -deps . 2>"$buildlog" | wc -l)" ||
    die "go list failed: $(tail -n 20 "$buildlog")"
  log "compiling up to $total packages (log: $buildlog)"
  # -v names each package as it is compiled (cached ones are not): the progress lines count them.
  (cd "$SRC_DIR" && exec nice -n 10 go build -v -mod=readonly -trimpath -ldflags "$(ldflags)" \
    -o "$BIN.tmp.$$" .) >"$buildlog" 2>&1 &
  local pid=$! rc=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    if ((((SECONDS - t0) % 30) < 5)); then
      log "still building ($((SECONDS - t0))s): $(grep -c '' "$buildlog") of up to $total packages compiled"
    fi
  done
  wait "$pid" || rc=$?
  if ((rc != 0)); then
    tail -n 30 "$buildlog" >&2
    rm -f "$BIN.tmp.$$"
    die "go build failed (exit $rc; log: $buildlog)"
  fi
  mv "$BIN.tmp.$$" "$BIN"
  echo "$key" >"$BIN.sha256"
  log "built $BIN ($(du -m "$BIN" | cut -f1) MB) in $((SECONDS - t0))s"
}

# ---------------------------------------------------------------- helpers ---

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
pid_file() { echo "$RUN_DIR/$1.pid"; }
log_file() { echo "$RUN_DIR/$1.log"; }

# The pid of program $1 if it runs (its pid file names a live process of our binary).
running_pid() {
  local f="$RUN_DIR/$1.pid" pid
  [[ -s $f ]] || return 1
  pid="$(<"$f")"
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "kube-testcluster-$K8S_VERSION $1 " ||
    return 1
  echo "$pid"
}

# The ports, chosen at the first `up` of this run dir and kept in it.
load_ports() {
  local base
  if [[ -s "$RUN_DIR/ports" ]]; then
    base="$(<"$RUN_DIR/ports")"
  elif [[ -n ${TEST_CLUSTER_PORT:-} ]]; then
    [[ $TEST_CLUSTER_PORT =~ ^[0-9]+$ ]] || die "TEST_CLUSTER_PORT must be a number"
    base="$TEST_CLUSTER_PORT"
  else
    base=16443
    while port_open "$base" || port_open $((base + 1)) || port_open $((base + 2)) ||
      port_open $((base + 3)); do
      base=$((base + 10))
      ((base < 17000)) || die "no four free ports between 16443 and 17000"
    done
  fi
  API_PORT=$base
  ETCD_PORT=$((base + 1))
  ETCD_PEER_PORT=$((base + 2))
  KCM_PORT=$((base + 3))
}

# Starts program $1 of the binary with the arguments that follow, detached
# (setsid: a Ctrl-C in the terminal that ran `up` does not reach it).
spawn() {
  local name="$1"
  shift
  setsid "$BIN" "$name" "$@" </dev/null >"$(log_file "$name")" 2>&1 &
  echo $! >"$(pid_file "$name")"
}

# Waits until "$@" succeeds, while the program $name just spawned lives (its pid, as spawned:
# for a moment its command line is still the shell's).
wait_until() {
  local name="$1" what="$2" deadline=$((SECONDS + TIMEOUT)) pid problem=""
  shift 2
  pid="$(<"$(pid_file "$name")")"
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      problem="exited"
    elif ((SECONDS >= deadline)); then
      problem="timed out after ${TIMEOUT}s"
    fi
    if [[ -n $problem ]]; then
      tail -n 30 "$(log_file "$name")" >&2
      die "$name: $problem waiting for $what (log: $(log_file "$name"))"
    fi
    sleep 0.5
  done
}

kubectl() { "$BIN" kubectl --kubeconfig "$RUN_DIR/admin.kubeconfig" "$@"; }

# ----------------------------------------------------------- certificates ---

# A key and a certificate signed by the cluster's CA: cert NAME SUBJECT [EXTENSIONS].
cert() {
  local name="$1" subject="$2" extensions="${3:-}"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$name.key" -subj "$subject" -out "$name.csr" 2>/dev/null
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
    -out "$name.crt" -extfile <(printf '%s\n' "$extensions" \
      'keyUsage=critical,digitalSignature,keyEncipherment') 2>/dev/null
  rm -f "$name.csr"
}

kubeconfig() {
  local user="$1"
  cat >"$user.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: test-cluster
    cluster:
      server: https://$HOST:$API_PORT
      certificate-authority: $RUN_DIR/pki/ca.crt
users:
  - name: $user
    user:
      client-certificate: $RUN_DIR/pki/$user.crt
      client-key: $RUN_DIR/pki/$user.key
contexts:
  - name: test-cluster
    context: { cluster: test-cluster, user: $user }
current-context: test-cluster
EOF
}

# The CA, the API server's serving certificate, a client certificate for the
# administrator (group system:masters) and one for the controller manager, the
# service accounts' signing key, and a kubeconfig for each client. Once per run dir.
certificates() {
  [[ -s "$RUN_DIR/admin.kubeconfig" ]] && return 0
  command -v openssl >/dev/null || die "openssl not found (needed for the cluster's certificates)"
  log "making the certificates (openssl)"
  mkdir -p "$RUN_DIR/pki"
  (
    umask 077 # keys and kubeconfigs for the owner only (helm warns of a readable kubeconfig)
    cd "$RUN_DIR/pki"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
      -subj /CN=test-cluster-ca -keyout ca.key -out ca.crt 2>/dev/null
    cert apiserver /CN=kube-apiserver "$(printf '%s\n' 'extendedKeyUsage=serverAuth' \
      "subjectAltName=IP:$HOST,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc")"
    cert admin /O=system:masters/CN=admin extendedKeyUsage=clientAuth
    cert kube-controller-manager /CN=system:kube-controller-manager extendedKeyUsage=clientAuth
    openssl ecparam -name prime256v1 -genkey -noout -out service-accounts.key
    openssl ec -in service-accounts.key -pubout -out service-accounts.pub 2>/dev/null
  ) || die "openssl could not make the certificates"
  (cd "$RUN_DIR" && umask 077 && kubeconfig kube-controller-manager && kubeconfig admin)
}

# ------------------------------------------------------------------- up ---

start_etcd() {
  spawn etcd --name test-cluster --data-dir "$RUN_DIR/etcd" \
    --listen-client-urls "http://$HOST:$ETCD_PORT" --advertise-client-urls "http://$HOST:$ETCD_PORT" \
    --listen-peer-urls "http://$HOST:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://$HOST:$ETCD_PEER_PORT" \
    --initial-cluster "test-cluster=http://$HOST:$ETCD_PEER_PORT" \
    --log-level warn --unsafe-no-fsync
  wait_until etcd "port $ETCD_PORT" port_open "$ETCD_PORT"
}

start_apiserver() {
  local pki="$RUN_DIR/pki"
  spawn kube-apiserver --etcd-servers "http://$HOST:$ETCD_PORT" \
    --bind-address "$HOST" --advertise-address "$HOST" --secure-port "$API_PORT" \
    --endpoint-reconciler-type none --service-cluster-ip-range 10.96.0.0/16 \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" --authorization-mode RBAC \
    --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file "$pki/service-accounts.pub" \
    --service-account-signing-key-file "$pki/service-accounts.key" \
    --cert-dir "$RUN_DIR/apiserver" --profiling=false
  wait_until kube-apiserver "/readyz" kubectl get --raw /readyz
}

start_controller_manager() {
  local pki="$RUN_DIR/pki" kubeconfig="$RUN_DIR/kube-controller-manager.kubeconfig"
  # Each controller acts as its own service account with its own RBAC role, as in a real
  # cluster; the autoscalers look every 5 seconds (15 by default).
  spawn kube-controller-manager --kubeconfig "$kubeconfig" \
    --authentication-kubeconfig "$kubeconfig" --authorization-kubeconfig "$kubeconfig" \
    --bind-address "$HOST" --secure-port "$KCM_PORT" --cert-dir "$RUN_DIR/kube-controller-manager" \
    --leader-elect=false --use-service-account-credentials \
    --service-account-private-key-file "$pki/service-accounts.key" --root-ca-file "$pki/ca.crt" \
    --horizontal-pod-autoscaler-sync-period 5s --profiling=false
  # The service account controller gives every namespace its `default`.
  wait_until kube-controller-manager "the default namespace's service account" \
    kubectl get serviceaccount default --namespace default
}

up() {
  build
  mkdir -p "$RUN_DIR"
  load_ports
  echo "$API_PORT" >"$RUN_DIR/ports"
  certificates
  local t0=$SECONDS name
  for name in "${PROGRAMS[@]}"; do
    if running_pid "$name" >/dev/null; then
      log "$name: already running"
      continue
    fi
    case "$name" in
      etcd) port_open "$ETCD_PORT" || port_open "$ETCD_PEER_PORT" ;;
      kube-apiserver) port_open "$API_PORT" ;;
      kube-controller-manager) port_open "$KCM_PORT" ;;
    esac && die "$name: its port is in use by another process (set TEST_CLUSTER_PORT, or clean)"
    log "$name: starting"
    case "$name" in
      etcd) start_etcd ;;
      kube-apiserver) start_apiserver ;;
      kube-controller-manager) start_controller_manager ;;
    esac
  done
  log "control plane up in $((SECONDS - t0))s: https://$HOST:$API_PORT ($(kubectl version 2>/dev/null |
    awk '/^Server/ { print $3 }'))"
  env_lines
}

# ------------------------------------------------------------------ down ---

down() {
  local i name pid deadline
  # The controllers first, etcd last.
  for ((i = ${#PROGRAMS[@]} - 1; i >= 0; i--)); do
    name="${PROGRAMS[$i]}"
    pid="$(running_pid "$name")" || continue
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 15))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name: still running 15s after SIGTERM; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$(pid_file "$name")"
    log "$name: stopped"
  done
}

env_lines() {
  mkdir -p "$RUN_DIR/bin"
  local name
  for name in kubectl etcd kube-apiserver kube-controller-manager; do
    ln -sfn "$BIN" "$RUN_DIR/bin/$name"
  done
  printf 'export KUBECONFIG=%q\n' "$RUN_DIR/admin.kubeconfig"
  # shellcheck disable=SC2016 # $PATH is expanded where the line is eval'd
  printf 'export PATH=%q:"$PATH"\n' "$RUN_DIR/bin"
}

status() {
  local name pid
  for name in "${PROGRAMS[@]}"; do
    if pid="$(running_pid "$name")"; then
      echo "$name: running (pid $pid)"
    else
      echo "$name: stopped"
    fi
  done
}

case "${1:-}" in
  build) build ;;
  up) up ;;
  down) down ;;
  env) env_lines ;;
  status) status ;;
  clean)
    down
    rm -rf "$RUN_DIR"
    ;;
  *) die "usage: $0 build|up|down|env|status|clean" ;;
esac
