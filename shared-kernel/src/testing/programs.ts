import { accessSync, constants } from 'node:fs';
import { underCi } from './servers';

/**
 * The system programs some suites drive, from Debian's packages (never downloaded by a test):
 * a suite that needs one it cannot find is skipped, loudly, and fails under CI, where
 * `.ci/run` installs them (the same rule as `describeWithServer`).
 */
export type ProgramKind = 'chromium' | 'nginx' | 'valgrind';

interface ProgramSpec {
  readonly label: string;
  readonly envVar: string;
  readonly defaultPath: string;
  readonly debianPackage: string;
}

const specs: Record<ProgramKind, ProgramSpec> = {
  chromium: {
    label: 'Chromium',
    envVar: 'CHROMIUM_PATH',
    defaultPath: '/usr/bin/chromium',
    debianPackage: 'chromium',
  },
  nginx: {
    label: 'nginx',
    envVar: 'NGINX_PATH',
    defaultPath: '/usr/sbin/nginx',
    debianPackage: 'nginx-light',
  },
  valgrind: {
    label: 'valgrind',
    envVar: 'VALGRIND_PATH',
    defaultPath: '/usr/bin/valgrind',
    debianPackage: 'valgrind',
  },
};

/** Where the program is: its variable, or where Debian's package puts it. */
export const programPath = (kind: ProgramKind): string =>
  process.env[specs[kind].envVar] || specs[kind].defaultPath;

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** `describe` that runs only where every program of `kinds` can be run. */
export function describeWithPrograms(
  kinds: readonly ProgramKind[],
  name: string,
  tests: () => void,
): void {
  const missing = kinds.filter((kind) => !executable(programPath(kind)));
  if (missing.length === 0) {
    describe(name, tests);
    return;
  }
  const why = missing
    .map((kind) => {
      const { label, envVar, debianPackage } = specs[kind];
      return `no ${label} at ${programPath(kind)}: apt-get install ${debianPackage}, or set ${envVar}`;
    })
    .join('; ');
  if (underCi()) {
    describe(name, () => {
      it(`needs ${missing.map((kind) => specs[kind].label).join(' and ')} under CI`, () => {
        throw new Error(`${name}: ${why}`);
      });
    });
    return;
  }
  console.warn(`\n  SKIPPED: ${name}\n  (${why})\n`);
  describe.skip(name, tests); // listed as skipped in jest's summary too
}
