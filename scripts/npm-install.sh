#!/bin/sh
# `npm ci` with the project's fallback, for CI agents and image builds alike: a registry that
# does not serve other platforms' optional binaries leaves the lock file without their
# entries, and `npm ci` then refuses it as out of sync; `npm install --no-save` keeps the
# locked versions of everything the lock file does list. Extra arguments go to both.
set -eu
npm ci --no-audit --no-fund "$@" || {
  echo "npm ci failed; falling back to npm install --no-save" >&2
  npm install --no-save --no-audit --no-fund "$@"
}
