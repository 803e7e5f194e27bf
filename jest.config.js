// Three tiers by file suffix: *.unit.spec.ts (no I/O), *.int.spec.ts (real servers),
// *.e2e.spec.ts (the whole system through the gateway). `npm test` runs them all.
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
};
// Tests import the workspaces' sources, so no build is needed before `npm test`.
const moduleNameMapper = {
  '^@expedientes/shared-kernel$': '<rootDir>/shared-kernel/src/index.ts',
  '^@expedientes/shared-kernel/(.*)$': '<rootDir>/shared-kernel/src/$1',
  '^@expedientes/(expedientes|documents|bpm|search|auth)$':
    '<rootDir>/services/$1/src/composition-root.ts',
};
const tier = (name, withServers) => ({
  displayName: name,
  testMatch: [`<rootDir>/**/*.${name}.spec.ts`],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.servers/'],
  modulePathIgnorePatterns: ['<rootDir>/.servers/'],
  transform,
  moduleNameMapper,
  testEnvironment: 'node',
  ...(withServers
    ? { setupFilesAfterEnv: ['<rootDir>/jest.setup.js'], slowTestThreshold: 15 }
    : {}),
});

/** @type {import('jest').Config} */
module.exports = {
  projects: [tier('unit', false), tier('int', true), tier('e2e', true)],
};
