import { KafkaGroupTiming, KafkaMessageBus } from '../adapters/kafka';
import { publishedLanguage } from '../contracts';
import { kafkaSecurity } from './servers';

export interface ServiceKafkaBuses {
  /** The service's own bus: its Kafka user, allowed what it is deployed with (kafka-acls.json). */
  readonly service: KafkaMessageBus;
  /** The other services, played by the suite as the administrator. */
  readonly others: KafkaMessageBus;
  close(): Promise<void>;
}

/** Two buses on the test brokers for a service's suite: the service's, and the others'. */
export function serviceKafkaBuses(
  account: string,
  options: { readonly brokers: readonly string[]; readonly groupTiming?: KafkaGroupTiming },
): ServiceKafkaBuses {
  const busAs = (user?: string) =>
    new KafkaMessageBus({
      brokers: options.brokers,
      ...kafkaSecurity(user),
      clientId: `${account}-int-${user ?? 'others'}`,
      registry: publishedLanguage(),
      ...(options.groupTiming ? { groupTiming: options.groupTiming } : {}),
    });
  const service = busAs(account);
  const others = busAs();
  return {
    service,
    others,
    close: async () => {
      await Promise.all([service.close(), others.close()]);
    },
  };
}
