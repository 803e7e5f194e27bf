export * from './event-store';
export * from './message-bus';
export * from './outbox-inbox';
export * from './saga-store';
export * from './logger';
export * from './identity';
export * from './file-store';
export * from './content-errors';
