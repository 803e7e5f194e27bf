#!/usr/bin/env node
// Builds the web UI (frontend/dist) only when something it is built from changed since its
// last build: `npm start` runs this every time, and a full type check and bundle takes longer
// than the rest of the start. `npm run build` always builds.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join, resolve } = require('node:path');

const frontend = resolve(__dirname, '..', 'frontend');
const inputs = [
  'src',
  'public',
  'index.html',
  'env.d.ts',
  'vite.config.ts',
  'package.json',
  'tsconfig.json',
  'tsconfig.node.json',
];
const built = join(frontend, 'dist', 'index.html');

/** The newest modification time under `path`, in milliseconds; 0 when it does not exist. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (latest, name) => Math.max(latest, newest(join(path, name))),
    stat.mtimeMs,
  );
}

const sources = Math.max(...inputs.map((input) => newest(join(frontend, input))));
if (existsSync(built) && sources <= statSync(built).mtimeMs) {
  process.stdout.write('web UI: frontend/dist is up to date with its sources, not rebuilt\n');
  process.exit(0);
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const { status } = spawnSync(npm, ['run', 'build', '-w', 'frontend'], { stdio: 'inherit' });
process.exit(status ?? 1);
