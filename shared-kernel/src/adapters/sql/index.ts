export * from './sql-database';
export * from './migrations';
export * from './sqlite-database';
export * from './mysql-database';
export * from './sql-outbox';
export { OutboxRelay, type OutboxRelayOptions } from '../shared/outbox-relay';
export * from './sql-inbox';
export * from './sql-saga-store';
export * from './sql-event-store';
