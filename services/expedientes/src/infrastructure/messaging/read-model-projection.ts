import { EventStore } from '@expedientes/shared-kernel';
import { fromRecorded } from '../../application/expediente-stream';
import { ExpedienteProjector } from '../../application/projections/expediente-projector';
import { ExpedienteReadModels } from '../../application/projections/read-models';
import {
  RebuildReadModels,
  RebuildReport,
} from '../../application/rebuild-read-models/rebuild-read-models';
import { StoreSubscription } from './store-subscription';

export const READ_MODELS_SUBSCRIBER = 'expedientes.read-models';

/**
 * Keeps the list and detail views up to date by following the event store, and rebuilds them
 * from the whole history on demand, pausing the live projection meanwhile.
 */
export class ReadModelProjection {
  private readonly live: StoreSubscription;
  private running = false;
  private rebuilding: Promise<RebuildReport> | null = null;

  constructor(
    store: EventStore,
    projector: ExpedienteProjector,
    readModels: Pick<ExpedienteReadModels, 'durable'>,
    private readonly rebuilder: RebuildReadModels,
  ) {
    // The checkpoint trails what the read models have on the disk.
    this.live = new StoreSubscription(store, READ_MODELS_SUBSCRIBER, {
      handleAll: (events) => projector.projectAll(events.map(fromRecorded)),
      durable: () => readModels.durable(),
    });
  }

  async start(): Promise<void> {
    this.running = true;
    await this.live.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.rebuilding?.catch(() => undefined);
    await this.live.stop();
  }

  /** One rebuild at a time: asked again meanwhile, it answers with the one under way. */
  rebuild(): Promise<RebuildReport> {
    this.rebuilding ??= this.pausedWhile(() => this.rebuilder.execute()).finally(() => {
      this.rebuilding = null;
    });
    return this.rebuilding;
  }

  private async pausedWhile<T>(work: () => Promise<T>): Promise<T> {
    await this.live.stop();
    try {
      return await work();
    } finally {
      if (this.running) await this.live.start();
    }
  }
}
