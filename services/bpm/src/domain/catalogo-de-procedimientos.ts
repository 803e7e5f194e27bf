import { ProcedimientoInvalidoError, ProcedimientoNoEncontradoError } from './errors';
import { Procedimiento } from './procedimiento';

/**
 * Every version of every procedure the service knows. New processes take the newest version of
 * their procedure; a running one keeps the version it started with, so none is ever dropped.
 */
export class CatalogoDeProcedimientos {
  /** Versions of each procedure, oldest first. */
  private readonly versiones = new Map<string, Procedimiento[]>();

  constructor(procedimientos: Iterable<Procedimiento>) {
    for (const procedimiento of procedimientos) {
      const versiones = this.versiones.get(procedimiento.codigo) ?? [];
      if (versiones.some((each) => each.version === procedimiento.version)) {
        throw new ProcedimientoInvalidoError(procedimiento.codigo, [
          `la versión ${procedimiento.version} está definida dos veces`,
        ]);
      }
      versiones.push(procedimiento);
      versiones.sort((a, b) => a.version - b.version);
      this.versiones.set(procedimiento.codigo, versiones);
    }
  }

  /** The newest version: the one new processes follow. */
  vigente(codigo: string): Procedimiento {
    return this.todasLasVersiones(codigo).at(-1) as Procedimiento;
  }

  version(codigo: string, version: number): Procedimiento {
    const procedimiento = this.versiones.get(codigo)?.find((each) => each.version === version);
    if (!procedimiento) throw new ProcedimientoNoEncontradoError(codigo, version);
    return procedimiento;
  }

  /** The version numbers of a procedure, oldest first. */
  versionesDe(codigo: string): number[] {
    return this.todasLasVersiones(codigo).map((each) => each.version);
  }

  /** The newest version of each procedure, by code. */
  vigentes(): Procedimiento[] {
    return [...this.versiones.keys()].sort().map((codigo) => this.vigente(codigo));
  }

  private todasLasVersiones(codigo: string): Procedimiento[] {
    const versiones = this.versiones.get(codigo);
    if (!versiones) throw new ProcedimientoNoEncontradoError(codigo);
    return versiones;
  }
}
