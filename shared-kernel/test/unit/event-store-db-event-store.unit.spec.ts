import { EventStoreDbEventStore } from '../../src/adapters/eventstoredb';
import { eventStoreContract } from '../../src/testing';
import { InMemoryEventStoreDbClient } from './in-memory-event-store-db-client';

// The adapter's own logic (expected versions, filtering, checkpoints) without a server; the
// integration suite runs the same contract against a real EventStoreDB.
eventStoreContract('EventStoreDbEventStore on an in-memory client', async () => {
  const client = new InMemoryEventStoreDbClient();
  const options = { handlerRetry: { initialBackoffMs: 10, maxBackoffMs: 50 } };
  const store = new EventStoreDbEventStore(client.asClient(), options);
  return {
    store,
    handsBatches: false,
    reopen: async () => new EventStoreDbEventStore(client.asClient(), options),
    cleanup: () => store.close(),
  };
});
