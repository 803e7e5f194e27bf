import { kafkaAccessTable, topics } from '@expedientes/shared-kernel';
import { liveUpdatesGroup } from '../../src/adapters/messaging/bus-expediente-changes';

/** What the gateway does on Kafka is what its principal is allowed (shared-kernel/kafka-acls.json). */
it("the gateway's Kafka ACLs let its live updates read expedientes.events, in its groups", () => {
  const access = kafkaAccessTable().principals.gateway;
  expect(access?.consumes).toEqual([topics.events('expedientes')]);
  expect(access?.produces).toEqual([]);
  const group = liveUpdatesGroup('distributed');
  expect(access?.groupPrefixes.some((prefix) => group.startsWith(prefix))).toBe(true);
});
