import { Clock } from '@expedientes/shared-kernel';
import { Comentario } from '../../domain/comentario';
import { ExpedienteNoEncontradoError } from '../../domain/errors';
import { ExpedienteRepository } from '../../domain/expediente-repository';
import {
  autoria,
  causaOfRequest,
  RequestMetadata,
  requireRole,
  ROLES_DEL_PERSONAL,
} from '../request';
import { retryOnConflict } from '../retry-on-conflict';

export interface CommentExpedienteCommand {
  readonly expedienteId: string;
  readonly texto: string;
}

export interface ExpedienteCommented {
  readonly expedienteId: string;
  /** The expediente's version the comment made. */
  readonly version: number;
  readonly texto: string;
  readonly menciones: readonly string[];
  readonly por: string;
  readonly at: string;
}

/**
 * Anyone who may see an expediente comments on it while it is open. A comment adds to what
 * is there whatever changed meanwhile, so a concurrent change is no reason to refuse it.
 */
export class CommentExpediente {
  constructor(
    private readonly expedientes: ExpedienteRepository,
    private readonly clock: Clock,
  ) {}

  async execute(
    command: CommentExpedienteCommand,
    request: RequestMetadata,
  ): Promise<ExpedienteCommented> {
    requireRole(request.actor, ROLES_DEL_PERSONAL, 'comentar expedientes');
    const comentario = Comentario.crear(command.texto);
    const at = this.clock();
    return retryOnConflict(async () => {
      const expediente = await this.expedientes.findById(command.expedienteId);
      if (!expediente) throw new ExpedienteNoEncontradoError(command.expedienteId);
      expediente.comentar(comentario, autoria(request.actor, at));
      await this.expedientes.save(expediente, causaOfRequest(request));
      return {
        expedienteId: expediente.id,
        version: expediente.version,
        texto: comentario.texto,
        menciones: comentario.menciones,
        por: request.actor.userId,
        at: at.toISOString(),
      };
    });
  }
}
