import { EnvelopeFactory, SagaOrchestrator } from '@expedientes/shared-kernel';
import { InMemorySagaStore } from '@expedientes/shared-kernel/testing';
import { AdvancePhase } from '../../src/application/advance-phase/advance-phase';
import { advancePhaseSaga } from '../../src/application/advance-phase/advance-phase-saga';
import { AttachDocumento } from '../../src/application/attach-documento/attach-documento';
import { attachDocumentoSaga } from '../../src/application/attach-documento/attach-documento-saga';
import { AssignExpediente } from '../../src/application/assign-expediente/assign-expediente';
import { CommentExpediente } from '../../src/application/comment-expediente/comment-expediente';
import { EditDescripcion } from '../../src/application/edit-descripcion/edit-descripcion';
import { OpenExpediente } from '../../src/application/open-expediente/open-expediente';
import { openExpedienteSaga } from '../../src/application/open-expediente/open-expediente-saga';
import { RequestMetadata } from '../../src/application/request';
import { SagaRunner, SagaWaiter } from '../../src/application/sagas/saga-runner';
import { AnsweringParticipants } from './answering-participants';
import { cooperativeParticipants } from './fake-participants';
import { ActorMother } from './mothers';
import { sagaFixture } from './saga-fixture';

/** The command side wired on memory, with documents and bpm answering as `participants.answer`. */
export function applicationFixture({ waitMs = 2_000 } = {}) {
  const fixture = sagaFixture();
  const sagaStore = new InMemorySagaStore();
  const waiter = new SagaWaiter(sagaStore, 5);
  const envelopes = new EnvelopeFactory(fixture.newId, fixture.clock);
  const participants = new AnsweringParticipants(envelopes);
  participants.answer = cooperativeParticipants();
  const sagas = {
    open: openExpedienteSaga(fixture.deps),
    advance: advancePhaseSaga(fixture.deps),
    attach: attachDocumentoSaga(fixture.deps),
  };
  const orchestrator = new SagaOrchestrator({
    definitions: [sagas.open, sagas.advance, sagas.attach],
    store: sagaStore,
    publisher: participants,
    envelopes,
    newId: fixture.newId,
    clock: fixture.clock,
    onCommitted: (saga) => waiter.notify(saga),
  });
  participants.orchestrator = orchestrator;
  const runner = new SagaRunner(orchestrator, waiter, waitMs, fixture.newId);
  let expedientes = 0;
  let requests = 0;
  const request = (actor = ActorMother.tramitadora()): RequestMetadata => {
    requests += 1;
    return { actor, correlationId: `correlation-${requests}`, requestId: `request-${requests}` };
  };
  return {
    ...fixture,
    sagaStore,
    participants,
    orchestrator,
    request,
    openExpediente: new OpenExpediente(
      runner,
      sagas.open,
      fixture.expedientes,
      () => `exp-${++expedientes}`,
    ),
    advancePhase: new AdvancePhase(runner, sagas.advance, fixture.expedientes),
    attachDocumento: new AttachDocumento(runner, sagas.attach, fixture.expedientes),
    editDescripcion: new EditDescripcion(fixture.expedientes, fixture.clock),
    commentExpediente: new CommentExpediente(fixture.expedientes, fixture.clock),
    assignExpediente: new AssignExpediente(fixture.expedientes, fixture.clock),
  };
}
