// MongoDB helpers for the services' read models and document content (driver: mongodb 7.x).
export * from './gridfs-file-store';
export * from './mongo-connection';
export * from './mongo-indexes';
