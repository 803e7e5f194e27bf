// MongoDB helpers for the services' read models, document content and outboxes (driver: mongodb 7.x).
export * from './gridfs-file-store';
export * from './mongo-connection';
export * from './mongo-indexes';
export * from './mongo-outbox';
