#!/usr/bin/env bash
# Deploys the chart to an environment: `deploy.sh preproduction|production [helm option...]`
# (the options, e.g. `--set canary.enabled=true`, go to helm after the environment's).
# The environment's values file names its namespace; the images are the commit's. With
# SECRETS_ENV_FILE (KEY=VALUE lines, from the pipeline's credentials) the Secret the values
# name is created or updated first. helm --atomic undoes a rollout that does not become
# ready. DRY_RUN=1 renders and validates exactly what would be applied, and prints the
# commands instead of running them.
# shellcheck source=scripts/pipeline/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/deploy/tools.sh
source scripts/deploy/tools.sh
environment="${1:-}"
values="$(environment_values "$environment")"
shift
ensure_helm

helm_args=("$HELM_RELEASE" "$CHART" --namespace "$environment" -f "$values"
  --set "image.repository=$IMAGE_REPOSITORY" --set "image.tag=$IMAGE_TAG" "$@")

# Renders what would be applied: a chart or values error stops the deploy before it starts.
# Offline, with the APIs the clusters are expected to have; the upgrade judges the real ones.
rendered="$(mktemp)"
trap 'rm -f "$rendered"' EXIT
"$HELM" template "${helm_args[@]}" "${CLUSTER_APIS[@]}" >"$rendered"
say "rendered $(grep -c '^kind:' "$rendered") objects for namespace $environment, images $IMAGE_REPOSITORY/*:$IMAGE_TAG"
if [[ -n "$DRY_RUN" ]]; then
  ensure_python_tools
  "$DEPLOY_VENV/bin/kubernetes-validate" --strict --quiet "$rendered"
  node scripts/deploy/check-deployment.js manifests "$rendered" --namespace "$environment"
fi

if [[ -n "${SECRETS_ENV_FILE:-}" ]]; then
  secret="$(awk '/^secrets:/ {s=1} s && /existingSecret:/ {print $2; exit}' "$values" | tr -d "'\"")"
  [[ -n "$secret" ]] || die "$values names no secrets.existingSecret to create"
  if [[ -n "$DRY_RUN" ]]; then
    printf '[dry-run] kubectl create secret generic %s --namespace %s --from-env-file=<SECRETS_ENV_FILE> | kubectl apply -f -\n' \
      "$secret" "$environment"
  else
    kubectl create secret generic "$secret" --namespace "$environment" \
      --from-env-file="$SECRETS_ENV_FILE" --dry-run=client -o yaml | kubectl apply -f -
  fi
fi

# The namespace admits only pods the `restricted` Pod Security Standard allows (every pod of
# the chart is; CI checks the rendered ones).
change kubectl label namespace "$environment" --overwrite \
  pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/warn=restricted

change "$HELM" upgrade --install "${helm_args[@]}" --atomic --wait --timeout 10m \
  --history-max 10
