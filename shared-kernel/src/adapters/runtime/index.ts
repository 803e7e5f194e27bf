export * from './config';
export * from './logging';
export * from './metrics';
export * from './problem';
export * from './http';
export * from './jwt-identity-verifier';
export * from './lifecycle';
export * from './service-module';
