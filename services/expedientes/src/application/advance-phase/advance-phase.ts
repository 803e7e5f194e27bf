import { Fase, SagaDefinition } from '@expedientes/shared-kernel';
import { ExpedienteNoEncontradoError } from '../../domain/errors';
import { EstadoDeExpediente } from '../../domain/expediente';
import { ExpedienteRepository } from '../../domain/expediente-repository';
import { quienOf, RequestMetadata } from '../request';
import { resultanteGuardado } from '../sagas/expediente-resultante';
import { SagaCommandOutcome, SagaEnding, SagaRunner } from '../sagas/saga-runner';
import { AdvancePhaseData } from './advance-phase-saga';
import { CambioDeFaseRechazadoError } from './errors';

export interface AdvancePhaseCommand {
  readonly expedienteId: string;
  /** Code of the phase to move to. */
  readonly hacia: string;
  /** The user's reason: the procedure asks for one on some transitions (a rejection). */
  readonly motivo?: string;
}

export interface PhaseAdvanced {
  readonly expedienteId: string;
  readonly desde: Fase;
  readonly hacia: Fase;
  readonly motivo?: string;
  readonly estado: EstadoDeExpediente;
  readonly version: number;
}

/**
 * Asks for a change of phase. Any role may ask: the procedure decides who may take each
 * transition. What the expediente itself refuses (closed, already there) is refused at once.
 */
export class AdvancePhase {
  constructor(
    private readonly sagas: SagaRunner,
    private readonly saga: SagaDefinition<AdvancePhaseData>,
    private readonly expedientes: ExpedienteRepository,
  ) {}

  async execute(
    command: AdvancePhaseCommand,
    request: RequestMetadata,
  ): Promise<SagaCommandOutcome<PhaseAdvanced>> {
    const { expedienteId, hacia } = command;
    const motivo = command.motivo?.trim() || undefined;
    const ending: SagaEnding<AdvancePhaseData, PhaseAdvanced> = {
      sameRequest: (stored) =>
        stored.expedienteId === expedienteId && stored.hacia === hacia && stored.motivo === motivo,
      completed: async ({ transicion, resultante }, saga) => {
        const now = resultante ?? (await resultanteGuardado(this.expedientes, expedienteId));
        if (!now || !transicion) throw new Error(`saga ${saga.sagaId} completed without its phase`);
        return {
          expedienteId,
          desde: transicion.desde,
          hacia: transicion.hacia,
          ...(motivo === undefined ? {} : { motivo }),
          estado: now.estado,
          version: now.version,
        };
      },
      refused: (failure, saga) =>
        new CambioDeFaseRechazadoError(failure, { expedienteId, hacia, sagaId: saga.sagaId }),
    };
    return this.sagas.runChecked(this.saga, request, ending, async () => {
      const expediente = await this.expedientes.findById(expedienteId);
      if (!expediente) throw new ExpedienteNoEncontradoError(expedienteId);
      expediente.comprobarCambioDeFase(hacia, quienOf(request.actor));
      return { expedienteId, hacia, ...(motivo === undefined ? {} : { motivo }), transicion: null };
    });
  }
}
