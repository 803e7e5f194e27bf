import { EventStoreDbEventStore } from '../../src/adapters/eventstoredb';
import { describeWithServer, eventStoreContract } from '../../src/testing';

const fastRetries = { handlerRetry: { initialBackoffMs: 10, maxBackoffMs: 50 } };

describeWithServer('eventstore', 'EventStoreDbEventStore', (url) => {
  // Stream ids and subscriber ids are unique per test, so the server needs no cleaning.
  eventStoreContract('EventStoreDbEventStore', async () => {
    const opened = [EventStoreDbEventStore.connect(url(), fastRetries)];
    return {
      store: opened[0],
      handsBatches: false,
      reopen: async () => {
        const store = EventStoreDbEventStore.connect(url(), fastRetries);
        opened.push(store);
        return store;
      },
      cleanup: async () => {
        await Promise.all(opened.map((store) => store.close()));
      },
    };
  });
});
