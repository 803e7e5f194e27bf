import { kafkaAccessTable, topics } from '@expedientes/shared-kernel';
import { commandsConsumerGroup } from '../../src/infrastructure/messaging/bpm-command-consumer';

/** What bpm does on Kafka is what its principal is allowed (shared-kernel/kafka-acls.json). */
it("bpm's Kafka ACLs let it read its commands in its group and answer them", () => {
  const access = kafkaAccessTable().principals.bpm;
  expect(access?.groups).toContain(commandsConsumerGroup);
  expect(access?.consumes).toEqual([topics.commands('bpm')]);
  expect(access?.produces).toEqual([topics.events('bpm'), topics.replies('bpm')]);
});
