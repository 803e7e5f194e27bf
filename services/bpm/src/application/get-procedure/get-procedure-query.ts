import { CatalogoDeProcedimientos } from '../../domain/catalogo-de-procedimientos';
import { Fase, Transicion } from '../../domain/procedimiento';

/** A procedure definition as published: one version, and which versions exist. */
export interface ProcedimientoView {
  readonly codigo: string;
  readonly version: number;
  readonly versiones: readonly number[];
  readonly nombre: string;
  readonly faseInicial: Fase;
  readonly fases: readonly Fase[];
  readonly transiciones: readonly Transicion[];
  readonly rolesConTodasLasTransiciones: readonly string[];
}

/** One procedure definition: its newest version, or the version asked for. */
export class GetProcedureQuery {
  constructor(private readonly catalogo: CatalogoDeProcedimientos) {}

  handle(codigo: string, version?: number): ProcedimientoView {
    const procedimiento =
      version === undefined
        ? this.catalogo.vigente(codigo)
        : this.catalogo.version(codigo, version);
    return {
      codigo: procedimiento.codigo,
      version: procedimiento.version,
      versiones: this.catalogo.versionesDe(codigo),
      nombre: procedimiento.nombre,
      faseInicial: procedimiento.faseInicial,
      fases: procedimiento.fases,
      transiciones: procedimiento.transiciones,
      rolesConTodasLasTransiciones: procedimiento.rolesConTodasLasTransiciones,
    };
  }
}
