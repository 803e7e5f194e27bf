import { Clock } from '@expedientes/shared-kernel';
import { ExpedienteNoEncontradoError, VersionObsoletaError } from '../../domain/errors';
import { ExpedienteRepository } from '../../domain/expediente-repository';
import {
  autoria,
  causaOfRequest,
  RequestMetadata,
  requireRole,
  ROLES_QUE_TRAMITAN,
} from '../request';

export interface EditDescripcionCommand {
  readonly expedienteId: string;
  readonly descripcion: string;
  /** The version the user saw: an edit over a newer one is refused, not merged. */
  readonly expectedVersion: number;
}

export interface DescripcionEdited {
  readonly expedienteId: string;
  readonly descripcion: string;
  readonly version: number;
}

export class EditDescripcion {
  constructor(
    private readonly expedientes: ExpedienteRepository,
    private readonly clock: Clock,
  ) {}

  async execute(
    command: EditDescripcionCommand,
    request: RequestMetadata,
  ): Promise<DescripcionEdited> {
    requireRole(request.actor, ROLES_QUE_TRAMITAN, 'editar expedientes');
    const { expedienteId, expectedVersion } = command;
    const expediente = await this.expedientes.findById(expedienteId);
    if (!expediente) throw new ExpedienteNoEncontradoError(expedienteId);
    if (expediente.version !== expectedVersion) {
      throw new VersionObsoletaError(expedienteId, expectedVersion, expediente.version);
    }
    expediente.editarDescripcion(command.descripcion, autoria(request.actor, this.clock()));
    if (expediente.hasUncommittedEvents()) {
      await this.expedientes.save(expediente, causaOfRequest(request));
    }
    return { expedienteId, descripcion: expediente.descripcion, version: expediente.version };
  }
}
