import type { ExpedientesCerrados } from '../../../src/application/expedientes-cerrados';

export class InMemoryExpedientesCerrados implements ExpedientesCerrados {
  readonly cerrados = new Map<string, Date>();

  async cerrar(expedienteId: string, at: Date): Promise<void> {
    if (!this.cerrados.has(expedienteId)) this.cerrados.set(expedienteId, at);
  }

  async estaCerrado(expedienteId: string): Promise<boolean> {
    return this.cerrados.has(expedienteId);
  }
}
