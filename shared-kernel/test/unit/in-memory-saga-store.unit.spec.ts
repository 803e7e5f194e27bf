import { InMemorySagaStore, sagaStoreContract } from '../../src/testing';

// One store for every test, as the contract allows: each test works with sagas of its own.
const store = new InMemorySagaStore();
sagaStoreContract('InMemorySagaStore', async () => store);
