#!/usr/bin/env bash
# Pipeline stage "Lint": the code (types, eslint, prettier, layer rules) and the deployment
# material (chart, manifests, compose file, Dockerfiles, these scripts).
# shellcheck source=scripts/pipeline/lib.sh
source "$(dirname "$0")/lib.sh"
npm run lint
bash scripts/check-deployment.sh
