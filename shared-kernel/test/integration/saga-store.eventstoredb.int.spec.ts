import { EventStoreDbSagaStore } from '../../src/adapters/eventstoredb';
import { describeWithServer, sagaStoreContract } from '../../src/testing';

describeWithServer('eventstore', 'EventStoreDbSagaStore', (url) => {
  // Saga ids are unique per test, so the server needs no cleaning.
  const opened: EventStoreDbSagaStore[] = [];
  afterAll(() => Promise.all(opened.map((store) => store.close())));

  sagaStoreContract('EventStoreDbSagaStore', async () => {
    const store = await EventStoreDbSagaStore.open(url());
    opened.push(store);
    return store;
  });
});
