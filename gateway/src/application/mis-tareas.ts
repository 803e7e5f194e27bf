import { Actor, ordenDeVencimiento } from '@expedientes/shared-kernel';
import { FaseResumida } from '../model/common';
import { PaginaDeExpedientes } from '../model/expedientes';
import { Tareas } from '../model/tareas';
import { BpmApi } from '../ports/bpm-api';
import { CallContext } from '../ports/caller';
import { CriteriosDeLista, ExpedientesApi } from '../ports/expedientes-api';

/** How many expedientes the answer lists at most; the totals count them all. */
export const LIMITE_DE_TAREAS = 100;

type Expedientes = PaginaDeExpedientes['items'];

/**
 * What waits for the caller: bpm says in which phases their roles may move an expediente on;
 * of the open expedientes in those phases, those assigned to them or to nobody (an
 * administrator's: all of them, as they may act on any), the ones whose plazo ends first
 * first, then those without plazo, the ones waiting longest first.
 * Composed here, where both answers meet: neither service knows the other's half. Beside
 * them, the open ones whose comments mention the caller.
 */
export class MisTareas {
  constructor(
    private readonly bpm: BpmApi,
    private readonly expedientes: ExpedientesApi,
  ) {}

  async execute(actor: Actor, call: CallContext, limite = LIMITE_DE_TAREAS): Promise<Tareas> {
    const [fases, menciones] = await Promise.all([
      this.bpm.phasesWithTasks(call).then(unaVezCada),
      this.expedientes.list(
        {
          mencionado: actor.userId,
          estado: 'abierto',
          sort: 'creadoAt',
          order: 'desc',
          pageSize: limite,
        },
        call,
      ),
    ]);
    const administra = actor.roles.includes('admin');
    const porFase = await Promise.all(
      fases.map(async (fase) => {
        const paginas = await Promise.all(
          criteriosDe(fase, actor.userId, administra).map((criterios) =>
            this.expedientes.list(
              {
                ...criterios,
                estado: 'abierto',
                sort: 'vencimiento',
                order: 'asc',
                pageSize: limite,
              },
              call,
            ),
          ),
        );
        return {
          fase,
          total: paginas.reduce((suma, pagina) => suma + pagina.total, 0),
          items: paginas.flatMap((pagina) => pagina.items),
        };
      }),
    );
    const expedientes: Expedientes = porFase
      .flatMap((each) => each.items)
      .sort(
        (a, b) =>
          ordenDeVencimiento(a.plazo?.vencimiento).localeCompare(
            ordenDeVencimiento(b.plazo?.vencimiento),
          ) ||
          a.creadoAt.localeCompare(b.creadoAt) ||
          a.id.localeCompare(b.id),
      )
      .slice(0, limite);
    return {
      total: porFase.reduce((suma, each) => suma + each.total, 0),
      porFase: porFase.map(({ fase, total }) => ({ fase, total })),
      expedientes,
      menciones: { total: menciones.total, expedientes: menciones.items },
    };
  }
}

/** Procedures share phase codes, and the list filters by code: each code once. */
const unaVezCada = (fases: readonly FaseResumida[]): FaseResumida[] =>
  fases.filter((fase, index) => fases.findIndex((each) => each.codigo === fase.codigo) === index);

const criteriosDe = (
  fase: FaseResumida,
  username: string,
  administra: boolean,
): CriteriosDeLista[] =>
  administra
    ? [{ fase: fase.codigo }]
    : [
        { fase: fase.codigo, asignadoA: username },
        { fase: fase.codigo, sinAsignar: true },
      ];
