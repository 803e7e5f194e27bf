import { ProcesoNoEncontradoError } from '../../domain/errors';
import { Fase } from '../../domain/procedimiento';
import { EstadoDeProceso, Usuario } from '../../domain/proceso';
import { ProcesoRepository } from '../../domain/proceso-repository';

export interface PasoPorFaseView {
  readonly fase: Fase;
  readonly entradaAt: string;
  readonly entradaPor: string;
  /** The last day of the phase's plazo (YYYY-MM-DD); null when it has none. */
  readonly vencimiento: string | null;
  readonly salidaAt: string | null;
  readonly salidaPor: string | null;
}

/** Where the process of an expediente stands, as the asking user sees it. */
export interface ProcesoView {
  readonly expedienteId: string;
  readonly procedimiento: {
    readonly codigo: string;
    readonly version: number;
    readonly nombre: string;
  };
  readonly estado: EstadoDeProceso;
  readonly faseActual: Fase;
  /** The last day of the current phase's plazo; null when it has none or the process ended. */
  readonly vencimiento: string | null;
  readonly historial: readonly PasoPorFaseView[];
  /** The phases the asking user may move it to now. */
  readonly transicionesDisponibles: readonly Fase[];
  /** The codes of those phases whose transition asks for the user's reason. */
  readonly conMotivo: readonly string[];
}

/** The current phase of an expediente's process, its history, and where the user may take it. */
export class GetProcessQuery {
  constructor(private readonly procesos: ProcesoRepository) {}

  async handle(expedienteId: string, usuario: Usuario): Promise<ProcesoView> {
    const proceso = await this.procesos.findByExpediente(expedienteId);
    if (!proceso) throw new ProcesoNoEncontradoError(expedienteId);
    const { codigo, version, nombre } = proceso.procedimiento;
    const disponibles = proceso.transicionesDisponiblesPara(usuario.roles);
    return {
      expedienteId,
      procedimiento: { codigo, version, nombre },
      estado: proceso.estado,
      faseActual: proceso.faseActual,
      vencimiento: proceso.vencimiento,
      historial: proceso.historial.map((paso) => ({
        fase: paso.fase,
        entradaAt: paso.entradaAt.toISOString(),
        entradaPor: paso.entradaPor,
        vencimiento: paso.vencimiento,
        salidaAt: paso.salidaAt?.toISOString() ?? null,
        salidaPor: paso.salidaPor,
      })),
      transicionesDisponibles: disponibles,
      conMotivo: proceso.fasesConMotivo.filter((codigo) =>
        disponibles.some((fase) => fase.codigo === codigo),
      ),
    };
  }
}
