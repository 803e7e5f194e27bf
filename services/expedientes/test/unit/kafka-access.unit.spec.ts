import { kafkaAccessTable, topics } from '@expedientes/shared-kernel';
import { advancePhaseSaga } from '../../src/application/advance-phase/advance-phase-saga';
import { attachDocumentoSaga } from '../../src/application/attach-documento/attach-documento-saga';
import { openExpedienteSaga } from '../../src/application/open-expediente/open-expediente-saga';
import { SagaDependencies } from '../../src/application/sagas/saga-dependencies';
import { BPM_EVENTS_GROUP } from '../../src/infrastructure/messaging/bpm-events-consumer';
import { DOCUMENT_EVENTS_GROUP } from '../../src/infrastructure/messaging/document-events-consumer';
import { SAGA_REPLIES_GROUP } from '../../src/infrastructure/messaging/saga-reply-consumer';

/** What expedientes does on Kafka is what its principal is allowed (shared-kernel/kafka-acls.json). */
describe("expedientes' Kafka ACLs", () => {
  const access = kafkaAccessTable().principals.expedientes;
  const sagas = [openExpedienteSaga, advancePhaseSaga, attachDocumentoSaga].map((saga) =>
    saga({ stepTimeoutMs: 1_000 } as SagaDependencies),
  );
  const participants = [
    ...new Set(
      sagas.flatMap((saga) =>
        saga.steps.flatMap((step) =>
          [step.action, step.compensation].flatMap((action) =>
            action?.kind === 'remote' ? [action.participant] : [],
          ),
        ),
      ),
    ),
  ];

  it('let its sagas command their participants and read their replies', () => {
    expect(participants.length).toBeGreaterThan(0);
    for (const participant of participants) {
      expect(access?.produces).toContain(topics.commands(participant));
      expect(access?.consumes).toContain(topics.replies(participant));
    }
  });

  it('let it publish its events and read, in its groups, what its consumers subscribe to', () => {
    expect(access?.produces).toContain(topics.events('expedientes'));
    expect(access?.consumes).toEqual(
      expect.arrayContaining([topics.events('bpm'), topics.events('documents')]),
    );
    expect(access?.groups).toEqual(
      expect.arrayContaining([BPM_EVENTS_GROUP, DOCUMENT_EVENTS_GROUP, SAGA_REPLIES_GROUP]),
    );
  });
});
