import { Fase, IdGenerator, SagaDefinition } from '@expedientes/shared-kernel';
import { CODIGO_DUPLICADO, CodigoDuplicadoError } from '../../domain/errors';
import { EstadoDeExpediente } from '../../domain/expediente';
import { ExpedienteRepository } from '../../domain/expediente-repository';
import { SolicitudDeExpediente } from '../../domain/solicitud-de-expediente';
import { RequestMetadata, requireRole, ROLES_QUE_TRAMITAN } from '../request';
import { resultanteGuardado } from '../sagas/expediente-resultante';
import { keyedId, SagaCommandOutcome, SagaEnding, SagaRunner } from '../sagas/saga-runner';
import { CreacionRechazadaError } from './errors';
import { OpenExpedienteData } from './open-expediente-saga';

export interface OpenExpedienteCommand {
  readonly codigo: string;
  readonly opcionInicial: string;
  readonly descripcion: string;
  /** Documents already uploaded to the documents service. */
  readonly documentIds: readonly string[];
}

export interface ExpedienteOpened {
  readonly expedienteId: string;
  readonly codigo: string;
  readonly estado: EstadoDeExpediente;
  readonly fase: Fase | null;
  /** The expediente's version: what an edit must name as the one it changes. */
  readonly version: number;
}

/**
 * Opens an expediente with documents already uploaded: checks the request, runs the
 * OpenExpediente saga and answers with its outcome when it ends in time.
 */
export class OpenExpediente {
  constructor(
    private readonly sagas: SagaRunner,
    private readonly saga: SagaDefinition<OpenExpedienteData>,
    private readonly expedientes: ExpedienteRepository,
    private readonly newId: IdGenerator,
  ) {}

  async execute(
    command: OpenExpedienteCommand,
    request: RequestMetadata,
  ): Promise<SagaCommandOutcome<ExpedienteOpened>> {
    requireRole(request.actor, ROLES_QUE_TRAMITAN, 'abrir expedientes');
    const solicitud = SolicitudDeExpediente.crear(command);
    const expedienteId = keyedId('expediente', request) ?? this.newId();
    const data: OpenExpedienteData = {
      expedienteId,
      codigo: solicitud.codigo.valor,
      opcionInicial: solicitud.opcionInicial,
      descripcion: solicitud.descripcion,
      documentIds: [...solicitud.documentIds],
      documentos: null,
      fase: null,
    };
    const ending: SagaEnding<OpenExpedienteData, ExpedienteOpened> = {
      sameRequest: (stored) =>
        stored.expedienteId === data.expedienteId &&
        stored.codigo === data.codigo &&
        stored.opcionInicial === data.opcionInicial &&
        stored.descripcion === data.descripcion &&
        stored.documentIds.join() === data.documentIds.join(),
      completed: async ({ resultante }) => {
        const expediente = resultante ?? (await resultanteGuardado(this.expedientes, expedienteId));
        if (!expediente) throw new Error(`the opened expediente ${expedienteId} is not stored`);
        const { estado, fase, version } = expediente;
        return { expedienteId, codigo: data.codigo, estado, fase, version };
      },
      refused: (failure, saga) =>
        failure.code === CODIGO_DUPLICADO
          ? new CodigoDuplicadoError(data.codigo)
          : new CreacionRechazadaError(failure, { expedienteId, sagaId: saga.sagaId }),
    };
    // A retry finds its first try's saga when it starts it: nothing to check before.
    return this.sagas.run(this.saga, data, request, ending);
  }
}
