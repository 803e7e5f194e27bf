export * from './config';
export * from './logging';
export * from './metrics';
export * from './problem';
export * from './request';
export * from './request-context';
export * from './health';
export * from './http';
export * from './jwt-identity-verifier';
export * from './lifecycle';
export * from './service-module';
export * from './distributed-main';
export * from './json-body';
export * from './security-headers';
export {
  currentTraceparent,
  sagaStepSpans,
  startTracing,
  traceIds,
  type Tracing,
} from '../shared/tracing';
export * from './app-server';
