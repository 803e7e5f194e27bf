export * from './event-store-db-event-store';
export * from './event-store-db-saga-store';
