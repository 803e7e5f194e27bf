import { kafkaAccessTable } from '@expedientes/shared-kernel';
import { indexedTopics } from '../../src/application/index-expedientes/expediente-projection';
import { indexConsumerGroup } from '../../src/domain/expediente-search-index';

/** What search does on Kafka is what its principal is allowed (shared-kernel/kafka-acls.json). */
it("search's Kafka ACLs let it read the indexed topics in a group of every generation", () => {
  const access = kafkaAccessTable().principals.search;
  expect(access?.consumes).toEqual([...indexedTopics]);
  expect(access?.produces).toEqual([]);
  for (const generation of [1, 2, 17]) {
    const group = indexConsumerGroup(generation);
    expect(access?.groupPrefixes.some((prefix) => group.startsWith(prefix))).toBe(true);
  }
});
