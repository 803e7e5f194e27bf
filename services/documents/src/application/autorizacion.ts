import { type Actor, ForbiddenError } from '@expedientes/shared-kernel';

/** Who may upload documents and their versions: whoever the public API lets change expedientes. */
export const ROLES_QUE_SUBEN: readonly string[] = ['tramitador', 'admin'];

/**
 * Refuses an upload by anybody else, before a byte is stored: documents enforces on its own
 * API what the public one does, whoever calls it.
 */
export function exigirQuienSube(actor: Actor): void {
  if (actor.roles.some((role) => ROLES_QUE_SUBEN.includes(role))) return;
  throw new ForbiddenError('Solo un tramitador o un admin puede subir documentos', {
    roles: [...ROLES_QUE_SUBEN],
  });
}
