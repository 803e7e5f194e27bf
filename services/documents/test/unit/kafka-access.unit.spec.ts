import { kafkaAccessTable, topics } from '@expedientes/shared-kernel';
import { SAGA_COMMANDS_GROUP } from '../../src/infrastructure/messaging/comandos-de-documentos';

/** What documents does on Kafka is what its principal is allowed (shared-kernel/kafka-acls.json). */
it("documents' Kafka ACLs let it read its commands and expedientes' events in its group", () => {
  const access = kafkaAccessTable().principals.documents;
  expect(access?.groups).toContain(SAGA_COMMANDS_GROUP);
  expect(access?.consumes).toEqual([topics.commands('documents'), topics.events('expedientes')]);
  expect(access?.produces).toEqual([topics.events('documents'), topics.replies('documents')]);
});
