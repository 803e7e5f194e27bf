import { EventStore, MessageBus, topics } from '@expedientes/shared-kernel';
import { fromRecorded } from '../../application/expediente-stream';
import { integrationEventFor } from '../../application/integration-events/integration-event-for';
import { StoreSubscription } from './store-subscription';

export const INTEGRATION_EVENTS_SUBSCRIBER = 'expedientes.integration-events';

/**
 * Publishes to `expedientes.events` what the event store committed, in order, by following the
 * store: no dual write. The checkpoint is stored once the bus has the publishes on its disk,
 * so a crash in between publishes an event again, with the same id, which consumers' inboxes
 * absorb.
 */
export function integrationEventRelay(store: EventStore, bus: MessageBus): StoreSubscription {
  return new StoreSubscription(store, INTEGRATION_EVENTS_SUBSCRIBER, {
    handleAll: (events) =>
      bus.publish(
        topics.events('expedientes'),
        events.map((recorded) => integrationEventFor(fromRecorded(recorded))),
        { redoneIfLost: true },
      ),
    durable: () => bus.durable(),
  });
}
