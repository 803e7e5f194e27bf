#!/bin/sh
# The build stage of every Node image: compiles one workspace (and the workspaces it
# references), installs its production dependencies alone, and lays out under OUT exactly
# what runs, with the repository's paths: the root package.json, node_modules, and each
# workspace npm linked (the runnable and, through it, shared-kernel) without its sources.
#   usage: build-workspace.sh <workspace> [OUT=/out/app]   (run from the repository root)
set -eu
workspace="$1"
out="${2:-/out/app}"

sh scripts/npm-install.sh
npx tsc -b "$workspace"

# Only this workspace's production dependencies (and the workspaces it depends on).
rm -rf node_modules ./*/node_modules ./*/*/node_modules
sh scripts/npm-install.sh --omit=dev --workspace="$workspace"

# A native addon needs its compiled library at run time, not the sources and objects it was
# compiled from (better-sqlite3: some 25 MB of them).
if [ -f node_modules/better-sqlite3/build/Release/better_sqlite3.node ]; then
  (cd node_modules/better-sqlite3 && mv build/Release/better_sqlite3.node . \
    && rm -rf build deps src && mkdir -p build/Release && mv better_sqlite3.node build/Release/)
fi

mkdir -p "$out"
cp package.json "$out/"
cp -a node_modules "$out/"
copy_workspace() {
  # Everything but what only the build needs: sources, compiler settings, type declarations.
  mkdir -p "$out/$(dirname "$1")"
  cp -a "$1" "$out/$1"
  rm -rf "$out/$1/src" "$out/$1"/tsconfig*.json
  find "$out/$1/dist" -type f \( -name '*.d.ts' -o -name '*.map' -o -name '*.tsbuildinfo' \) \
    -exec rm -f {} +
}
copy_workspace "$workspace"
for link in node_modules/@expedientes/*; do
  [ -L "$link" ] || continue
  linked="$(cd "$link" && pwd -P)"
  linked="${linked#"$(pwd -P)/"}"
  [ -d "$out/$linked" ] || copy_workspace "$linked"
done
