export { KafkaMessageBus } from './kafka-message-bus';
export type { KafkaMessageBusOptions, KafkaGroupTiming } from './kafka-message-bus';
export { kafkaSecurityFrom, kafkaSecurityFromEnv, kafkaSecurityVariables } from './kafka-security';
export type { KafkaSaslMechanism, KafkaSecurity, KafkaSecurityConfig } from './kafka-security';
export { applyKafkaAcls, kafkaAclOf } from './kafka-acl-setup';
