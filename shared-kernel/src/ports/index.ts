export * from './event-store';
export * from './message-bus';
export * from './outbox-inbox';
