import { CatalogoDeProcedimientos } from '../../domain/catalogo-de-procedimientos';

export interface ProcedimientoResumen {
  readonly codigo: string;
  readonly nombre: string;
  /** The newest version, the one new processes follow. */
  readonly version: number;
  readonly versiones: readonly number[];
}

/** Every procedure the service knows, by code. */
export class ListProceduresQuery {
  constructor(private readonly catalogo: CatalogoDeProcedimientos) {}

  handle(): ProcedimientoResumen[] {
    return this.catalogo.vigentes().map((procedimiento) => ({
      codigo: procedimiento.codigo,
      nombre: procedimiento.nombre,
      version: procedimiento.version,
      versiones: this.catalogo.versionesDe(procedimiento.codigo),
    }));
  }
}
