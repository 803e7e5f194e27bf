export * from './servers';
export * from './sql-databases';
export * from './event-store-contract';
export * from './message-bus-contract';
export * from './in-memory-saga-store';
export * from './saga-script';
export * from './saga-store-contract';
export * from './test-tokens';
