import { Clock } from '@expedientes/shared-kernel';
import { ExpedienteNoEncontradoError } from '../../domain/errors';
import { ExpedienteRepository } from '../../domain/expediente-repository';
import { nombreDeUsuario } from '../../domain/nombre-de-usuario';
import {
  causaOfRequest,
  quienOf,
  RequestMetadata,
  requireRole,
  ROLES_DEL_PERSONAL,
} from '../request';
import { retryOnConflict } from '../retry-on-conflict';

export interface AssignExpedienteCommand {
  readonly expedienteId: string;
  /** Who is to have it (their username; the caller's own to claim it); null to release it. */
  readonly asignadoA: string | null;
}

export interface ExpedienteAssigned {
  readonly expedienteId: string;
  readonly asignadoA: string | null;
  readonly version: number;
}

/**
 * Assigns, claims, reassigns or releases an expediente. What the expediente allows is checked
 * against it as it is when saved, so two people claiming it at once get one each way: the
 * first has it, the second is told who.
 */
export class AssignExpediente {
  constructor(
    private readonly expedientes: ExpedienteRepository,
    private readonly clock: Clock,
  ) {}

  async execute(
    command: AssignExpedienteCommand,
    request: RequestMetadata,
  ): Promise<ExpedienteAssigned> {
    requireRole(request.actor, ROLES_DEL_PERSONAL, 'asignar expedientes');
    const asignadoA = command.asignadoA === null ? null : nombreDeUsuario(command.asignadoA);
    return retryOnConflict(async () => {
      const expediente = await this.expedientes.findById(command.expedienteId);
      if (!expediente) throw new ExpedienteNoEncontradoError(command.expedienteId);
      expediente.asignar(asignadoA, quienOf(request.actor), this.clock());
      if (expediente.hasUncommittedEvents()) {
        await this.expedientes.save(expediente, causaOfRequest(request));
      }
      return { expedienteId: expediente.id, asignadoA, version: expediente.version };
    });
  }
}
