export { EmbeddedMessageBus } from './embedded-message-bus';
export type { EmbeddedMessageBusOptions } from './embedded-message-bus';
export { openPlatformDatabase, PLATFORM_FILE } from './platform-database';
