import { CatalogoDeProcedimientos } from '../../domain/catalogo-de-procedimientos';
import { Fase } from '../../domain/procedimiento';

/** A phase in which a user may take some transition: work waits there for them. */
export interface FaseConTareas extends Fase {
  readonly procedimiento: string;
}

/**
 * Where work waits for someone with `roles`: the phases of each procedure's newest version from
 * which they may take at least one transition, in definition order.
 */
export class PhasesWithTasksQuery {
  constructor(private readonly catalogo: CatalogoDeProcedimientos) {}

  handle(roles: readonly string[]): FaseConTareas[] {
    return this.catalogo
      .vigentes()
      .flatMap((procedimiento) =>
        procedimiento.fases
          .filter((fase) => procedimiento.transicionesDisponibles(fase.codigo, roles).length > 0)
          .map((fase) => ({ ...fase, procedimiento: procedimiento.codigo })),
      );
  }
}
