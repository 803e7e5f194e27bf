import type { Clock, Envelope, expedientes } from '@expedientes/shared-kernel';
import type { ExpedientesCerrados } from '../expedientes-cerrados';
import type { PayloadDe } from '../mensajes';

export type FaseCambiadaEvent = Envelope<PayloadDe<typeof expedientes.FaseDeExpedienteCambiada>>;

/** An expediente that reached a final phase has ended: its documents are closed from then on. */
export class RegistrarCierre {
  constructor(
    private readonly cerrados: ExpedientesCerrados,
    private readonly clock: Clock,
  ) {}

  async ejecutar({ payload }: FaseCambiadaEvent): Promise<boolean> {
    if (!payload.hacia.final) return false;
    await this.cerrados.cerrar(payload.expedienteId, this.clock());
    return true;
  }
}
