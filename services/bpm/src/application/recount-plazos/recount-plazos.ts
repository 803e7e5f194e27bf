import { Clock, Logger } from '@expedientes/shared-kernel';
import { ReglaDePlazos } from '../../domain/regla-de-plazos';
import { BpmMessages } from '../bpm-messages';
import { CommandUnitOfWork } from '../command-unit-of-work';

/** Where bpm keeps which calendar the open plazos were counted on, and finds those plazos. */
export interface PlazosAbiertos {
  /** The calendar's fingerprint at the last count; null before the first. */
  huella(): Promise<string | null>;
  guardarHuella(huella: string): Promise<void>;
  /** Active processes whose current phase has a plazo, by expediente id after `despuesDe`. */
  conPlazo(despuesDe: string | null, limite: number): Promise<string[]>;
}

const PAGE = 200;

/**
 * Counts the open plazos again when the working calendar changed since they were counted (a
 * holiday added or moved): each process whose last day moves says so with
 * `bpm.plazo.recalculado`. One transaction per page, so a restart midway goes on from where
 * the fingerprint still differs: a plazo already counted again does not move twice.
 */
export class RecountPlazos {
  constructor(
    private readonly plazosAbiertos: PlazosAbiertos,
    private readonly unitOfWork: CommandUnitOfWork,
    private readonly plazos: ReglaDePlazos,
    private readonly messages: BpmMessages,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** How many plazos moved. */
  async execute(huella: string): Promise<number> {
    const anterior = await this.plazosAbiertos.huella();
    if (anterior === huella) return 0;
    let movidos = 0;
    let despuesDe: string | null = null;
    for (;;) {
      const pagina = await this.plazosAbiertos.conPlazo(despuesDe, PAGE);
      if (pagina.length === 0) break;
      await this.unitOfWork.run(async (tx) => {
        for (const expedienteId of pagina) {
          const proceso = await tx.procesos.findByExpediente(expedienteId);
          if (!proceso?.recalcularPlazo(this.plazos, this.clock())) continue;
          await tx.procesos.save(proceso);
          await tx.send(this.messages.eventsOf(proceso));
          movidos++;
        }
      });
      despuesDe = pagina[pagina.length - 1];
    }
    await this.plazosAbiertos.guardarHuella(huella);
    if (anterior !== null) {
      this.logger.info({ movidos }, 'the working calendar changed: open plazos counted again');
    }
    return movidos;
  }
}
