import { bpm, Consumer, Envelope, MessageBus, topics } from '@expedientes/shared-kernel';
import { ServiceMetrics } from '@expedientes/shared-kernel/adapters/runtime';
import { FollowOutcome, FollowProcess } from '../../application/follow-process/follow-process';
import { Atomically } from '../stores';
import { counted } from './message-metrics';

export const BPM_EVENTS_GROUP = 'expedientes.fases-de-bpm';

/**
 * Moves each expediente to the phase bpm's process changed to, attributed to the user who asked
 * bpm, and takes the plazos bpm counted again. Both are idempotent through bpm's transition
 * number (and the plazo's day), so no inbox is needed: a redelivered event changes nothing.
 */
export class BpmEventsConsumer {
  private consumer: Consumer | null = null;

  constructor(
    private readonly bus: MessageBus,
    private readonly followProcess: FollowProcess,
    private readonly metrics: ServiceMetrics,
    /**
     * Around each change the expediente may follow. bpm's reply to the saga that asked for
     * the transition comes with its event, and the saga records it in one transaction too:
     * whichever comes second finds it recorded, instead of saving over the other's save,
     * failing and loading the expediente again.
     */
    private readonly atomically: Atomically,
  ) {}

  async start(): Promise<void> {
    this.consumer ??= await this.bus.subscribe({
      group: BPM_EVENTS_GROUP,
      topics: [topics.events('bpm')],
      // A new group starts at the end: bpm's earlier changes were followed by the sagas alone,
      // and replayed against expedientes that kept no transition numbers they could move one
      // back to an older phase.
      fromBeginning: false,
      accepts: (type) => type === bpm.FaseCambiada.type || type === bpm.PlazoRecalculado.type,
      handler: counted(this.metrics, (message) => this.follow(message)),
    });
  }

  private async follow(message: Envelope): Promise<FollowOutcome> {
    const request = {
      actor: message.actor,
      correlationId: message.correlationId,
      requestId: message.id,
    };
    if (message.type === bpm.PlazoRecalculado.type) {
      const plazo = bpm.PlazoRecalculado.payload.parse(message.payload);
      return this.atomically(() => this.followProcess.recalcularPlazo(plazo, request));
    }
    const { expedienteId, hacia, paso, motivo, vencimiento } = bpm.FaseCambiada.payload.parse(
      message.payload,
    );
    return this.atomically(() =>
      this.followProcess.execute({ expedienteId, hacia, paso, motivo, vencimiento }, request),
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = null;
  }
}
