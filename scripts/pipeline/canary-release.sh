#!/usr/bin/env bash
# A canary release: `canary-release.sh <environment>` (the Jenkinsfile's production stage).
#   1. the commit's images beside the running ones: deploy.sh with the stable release's image
#      tag, and canary.enabled, canary.image.tag = the commit, canary.weight = CANARY_WEIGHT
#      (helm --atomic undoes a canary that does not become ready);
#   2. the smoke test through the canary (SMOKE_HEADER="X-Expedientes-Canary: always");
#   3. the canary's HTTP error rate watched in Prometheus (canary-watch.js: CANARY_WATCH_SECONDS,
#      CANARY_INTERVAL_SECONDS, CANARY_MAX_ERROR_RATE, PROMETHEUS_URL);
#   4. promoted: deploy.sh with the commit's images and no canary, then the smoke test again;
#      or rolled back: rollback.sh to the revision before the canary (the stable track as it
#      was, the canary gone), and the script fails.
# With no release in the namespace yet, or stable pods that predate the chart's `track` label
# (a canary would leave their Services without endpoints), it releases plainly (release.sh).
# DRY_RUN=1: the cluster is not read (STABLE_IMAGE_TAG stands for the running tag) and the
# changes are printed; the smoke test and the watch run for real (against SMOKE_BASE_URL and
# PROMETHEUS_URL: the stand-in platform in CI).
# shellcheck source=scripts/pipeline/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/deploy/tools.sh
source scripts/deploy/tools.sh
environment="${1:-}"
values="$(environment_values "$environment")"
here="$(dirname "$0")"
: "${PROMETHEUS_URL:?PROMETHEUS_URL is required: the Prometheus that scrapes $environment}"
CANARY_WEIGHT="${CANARY_WEIGHT:-10}"
[[ "$CANARY_WEIGHT" =~ ^([0-9]|[1-9][0-9]|100)$ ]] || die "CANARY_WEIGHT is a percentage, 0-100"
# The chart's canary.header: requests with `<header>: always` go to the canary.
CANARY_HEADER=X-Expedientes-Canary
ensure_helm

# Reads the running release: its stable image tag, its revision, whether a canary is deployed
# already, and whether its stable pods carry the track label. Prints "<tag> <revision>
# <true|false>", or nothing when a canary cannot go beside it.
running_release() {
  local status current tracks revision tag canary
  status="$("$HELM" status "$HELM_RELEASE" --namespace "$environment" -o json 2>/dev/null)" &&
    current="$("$HELM" get values "$HELM_RELEASE" --namespace "$environment" --all -o json)" &&
    tracks="$(kubectl get deployments --namespace "$environment" \
      -l "app.kubernetes.io/instance=$HELM_RELEASE,app.kubernetes.io/name=expedientes,track!=canary" \
      -o jsonpath='{range .items[*]}{.metadata.name}={.spec.template.metadata.labels.track}{"\n"}{end}')" ||
    return 0
  if grep -qv '=stable$' <<<"$tracks"; then
    say "stable Deployments without the track label: $(grep -v '=stable$' <<<"$tracks" | tr '\n' ' ')"
    return 0
  fi
  revision="$(node -p 'JSON.parse(process.argv[1]).version ?? ""' "$status")"
  tag="$(node -p 'JSON.parse(process.argv[1]).image?.tag ?? ""' "$current")"
  canary="$(node -p 'JSON.parse(process.argv[1]).canary?.enabled === true' "$current")"
  if [[ -n "$tag" && -n "$revision" ]]; then echo "$tag $revision $canary"; fi
}

if [[ -n "$DRY_RUN" ]]; then
  stable_tag="${STABLE_IMAGE_TAG:?under DRY_RUN, STABLE_IMAGE_TAG stands for the image tag the cluster runs}"
  revision='<revision before the canary>'
  say "dry run: the running release assumed at $stable_tag, its stable pods labelled track=stable"
else
  read -r stable_tag revision canary_running <<<"$(running_release)" || true
  if [[ -z "${stable_tag:-}" ]]; then
    say "$environment: no release a canary can go beside; releasing without one"
    exec bash "$here/release.sh" "$environment"
  fi
  # Its revision is no way back: the one before it is (helm history).
  [[ "$canary_running" == false ]] ||
    die "$environment: revision $revision has a canary already (an interrupted release?): roll it back (rollback.sh $environment <revision before it>) or promote it (deploy.sh $environment) first"
fi
public_url="$(public_url "$environment" "$values")"

# Back to the revision before the canary, failing the stage.
roll_back() {
  trap - INT TERM
  say "$environment: $1; rolling back to revision $revision"
  bash "$here/rollback.sh" "$environment" "$revision"
  die "$environment: $IMAGE_TAG rolled back, $stable_tag still serving"
}

say "$environment: canary $IMAGE_TAG at $CANARY_WEIGHT% beside $stable_tag"
canary_tag="$IMAGE_TAG"
IMAGE_TAG="$stable_tag" bash "$here/deploy.sh" "$environment" --set canary.enabled=true \
  --set "canary.image.tag=$canary_tag" --set "canary.weight=$CANARY_WEIGHT" ||
  die "$environment: the canary was not deployed (helm --atomic undid what it began)"
# An aborted build (Jenkins sends TERM) leaves no canary behind.
trap 'roll_back "the release was interrupted"' INT TERM

SMOKE_HEADER="$CANARY_HEADER: always" bash "$here/smoke-test.sh" "$public_url" ||
  roll_back "the smoke test through the canary failed"

watch=0
node scripts/pipeline/canary-watch.js "$environment" || watch=$?
case "$watch" in
  0) ;;
  1) roll_back "the canary's error rate went above CANARY_MAX_ERROR_RATE" ;;
  *) roll_back "the canary could not be watched" ;;
esac

say "$environment: promoting $IMAGE_TAG"
bash "$here/deploy.sh" "$environment" || roll_back "the promotion did not roll out"
bash "$here/smoke-test.sh" "$public_url" || roll_back "the smoke test after the promotion failed"
trap - INT TERM
say "$environment: $IMAGE_TAG promoted and answering at $public_url"
