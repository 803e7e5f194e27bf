#!/usr/bin/env bash
# Smoke test through the gateway: `smoke-test.sh <public URL>`, as the machine client
# SMOKE_CLIENT_ID / SMOKE_CLIENT_SECRET (client credentials). See smoke-test.js.
# shellcheck source=scripts/pipeline/lib.sh
source "$(dirname "$0")/lib.sh"
base_url="${1:?usage: smoke-test.sh <public URL>}"
: "${SMOKE_CLIENT_ID:?SMOKE_CLIENT_ID is required: the machine client of the smoke test}"
: "${SMOKE_CLIENT_SECRET:?SMOKE_CLIENT_SECRET is required}"
node scripts/pipeline/smoke-test.js "$base_url"
