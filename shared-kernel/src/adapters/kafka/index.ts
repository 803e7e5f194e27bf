export { KafkaMessageBus } from './kafka-message-bus';
export type { KafkaMessageBusOptions, KafkaGroupTiming } from './kafka-message-bus';
