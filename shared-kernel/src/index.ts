// The framework-free core every service builds on. Adapters (drivers) are imported from
// `@expedientes/shared-kernel/adapters/<technology>`, test suites from `.../testing`.
export * from './domain';
export * from './messaging';
export * from './ports';
export * from './saga';
export * from './contracts';
