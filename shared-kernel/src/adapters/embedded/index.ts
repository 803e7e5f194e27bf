export { EmbeddedMessageBus } from './embedded-message-bus';
export type { EmbeddedMessageBusOptions } from './embedded-message-bus';
