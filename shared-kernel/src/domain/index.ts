export * from './domain-error';
export * from './domain-event';
export * from './event-sourced-aggregate';
export * from './value-object';
export * from './plazos';
