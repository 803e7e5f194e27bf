export * from './envelope';
export * from './message-registry';
export * from './topics';
export * from './dead-letter';
export * from './name-based-id';
export * from './kafka-acls';
