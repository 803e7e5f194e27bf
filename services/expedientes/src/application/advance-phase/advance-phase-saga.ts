import {
  bpm,
  defineSaga,
  Fase,
  invoke,
  local,
  onFailure,
  onSuccess,
  SagaDefinition,
} from '@expedientes/shared-kernel';
import { seguirTransicion } from '../follow-process/follow-process';
import { causaOfSaga } from '../request';
import { ExpedienteResultante } from '../sagas/expediente-resultante';
import { SagaDependencies } from '../sagas/saga-dependencies';
import { reasonOf } from '../sagas/saga-failures';

export const ADVANCE_PHASE = 'expedientes.AdvancePhase';

export interface AdvancePhaseData {
  readonly expedienteId: string;
  /** The code of the phase asked for. */
  readonly hacia: string;
  /** The user's reason for it, where they gave one. */
  readonly motivo?: string;
  /** The transition bpm recorded, once it has (`paso`: its number, where bpm gave one). */
  readonly transicion: {
    readonly desde: Fase;
    readonly hacia: Fase;
    readonly paso?: number;
    /** The last day of the new phase's plazo (null: none), where bpm gave one. */
    readonly vencimiento?: string | null;
  } | null;
  /** The expediente once it has taken the phase. */
  readonly resultante?: ExpedienteResultante;
}

/**
 * bpm checks the transition against the procedure and the user's roles and records it; the
 * expediente then records its new phase. A refusal ends the saga with bpm's reason: nothing was
 * done, so nothing is undone. Past the deadline the saga fails, yet bpm may have recorded the
 * transition: FollowProcess, on bpm's event, moves the expediente then.
 */
export function advancePhaseSaga({
  expedientes,
  clock,
  stepTimeoutMs,
}: Pick<
  SagaDependencies,
  'expedientes' | 'clock' | 'stepTimeoutMs'
>): SagaDefinition<AdvancePhaseData> {
  return defineSaga<AdvancePhaseData>({
    type: ADVANCE_PHASE,
    key: (data) => data.expedienteId,
    steps: [
      {
        name: 'solicitarTransicion',
        action: invoke('bpm', bpm.RequestTransition, {
          payload: (data) => ({
            expedienteId: data.expedienteId,
            hacia: data.hacia,
            ...(data.motivo === undefined ? {} : { motivo: data.motivo }),
          }),
          timeoutMs: stepTimeoutMs,
          replies: [
            onSuccess(bpm.TransitionRecorded, (data, reply) => ({
              ...data,
              transicion: {
                desde: reply.desde,
                hacia: reply.hacia,
                paso: reply.paso,
                vencimiento: reply.vencimiento,
              },
            })),
            onFailure(bpm.TransitionRefused, reasonOf),
          ],
        }),
      },
      {
        name: 'registrarFase',
        action: local(async (data, context) => {
          const { expedienteId, transicion, motivo } = data;
          if (!transicion) throw new Error(`saga of ${expedienteId} lost bpm's reply`);
          const { hacia, paso, vencimiento } = transicion;
          const seguida = await seguirTransicion(
            expedientes,
            clock,
            { expedienteId, hacia, paso, motivo, vencimiento },
            causaOfSaga(context),
          );
          return { ...data, resultante: seguida.expediente };
        }),
      },
    ],
  });
}
