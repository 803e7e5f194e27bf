import { OutgoingMessage } from '@expedientes/shared-kernel';
import { CommandTransaction, CommandUnitOfWork } from '../../src/application/command-unit-of-work';
import { ProcesoModificadoError } from '../../src/domain/errors';
import { DatosDeProceso, Proceso } from '../../src/domain/proceso';
import { ProcesoRepository } from '../../src/domain/proceso-repository';

/** Processes in a Map, stored as their data (as a real store would) with a revision. */
export class InMemoryProcesoRepository implements ProcesoRepository {
  constructor(readonly stored = new Map<string, DatosDeProceso>()) {}

  async findByExpediente(expedienteId: string): Promise<Proceso | null> {
    const datos = this.stored.get(expedienteId);
    return datos ? Proceso.reconstituir(datos) : null;
  }

  async save(proceso: Proceso): Promise<void> {
    const datos = proceso.datos();
    const current = this.stored.get(datos.expedienteId)?.revision ?? 0;
    if (current !== datos.revision) throw new ProcesoModificadoError(datos.expedienteId);
    this.stored.set(datos.expedienteId, { ...datos, revision: current + 1 });
  }
}

/**
 * The unit of work of the command handlers, in memory: what a handler saves and sends counts
 * only if it finishes, and a message id is handled once.
 */
export class InMemoryBpmStore implements CommandUnitOfWork {
  readonly procesos = new InMemoryProcesoRepository();
  /** What the handlers sent, committed, in order. */
  readonly sent: OutgoingMessage[] = [];
  private readonly handled = new Set<string>();

  async runOnce(
    messageId: string,
    work: (tx: CommandTransaction) => Promise<void>,
  ): Promise<boolean> {
    if (this.handled.has(messageId)) return false;
    await this.run(work);
    this.handled.add(messageId);
    return true;
  }

  async run(work: (tx: CommandTransaction) => Promise<void>): Promise<void> {
    const procesos = new InMemoryProcesoRepository(new Map(this.procesos.stored));
    const outgoing: OutgoingMessage[] = [];
    await work({ procesos, send: async (messages) => void outgoing.push(...messages) });
    for (const [id, datos] of procesos.stored) this.procesos.stored.set(id, datos);
    this.sent.push(...outgoing);
  }

  /** The messages sent since the last call. */
  takeSent(): OutgoingMessage[] {
    return this.sent.splice(0);
  }
}
