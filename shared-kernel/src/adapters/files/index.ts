// File content on the local disk, for the embedded mode.
export * from './local-file-store';
export * from '../shared/durability';
