export * from './definition';
export * from './protocol';
export * from './saga-orchestrator';
export * from './state';
