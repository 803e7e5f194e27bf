import { DefinicionDeProcedimiento, Fase, Procedimiento } from '../../src/domain/procedimiento';

export type FaseEstandar =
  'INICIAL' | 'ANALISIS_TECNICO' | 'VALIDACION' | 'FINALIZADO' | 'RECHAZADO';

/** The standard procedure, as services/bpm/procedures/estandar.v1.json defines it. */
const estandar: DefinicionDeProcedimiento = {
  codigo: 'estandar',
  version: 1,
  nombre: 'Procedimiento estándar',
  faseInicial: 'INICIAL',
  fases: [
    { codigo: 'INICIAL', nombre: 'Fase inicial', final: false },
    { codigo: 'ANALISIS_TECNICO', nombre: 'Fase de análisis técnico', final: false },
    { codigo: 'VALIDACION', nombre: 'Fase de validación', final: false },
    { codigo: 'FINALIZADO', nombre: 'Finalizado', final: true },
    { codigo: 'RECHAZADO', nombre: 'Fase rechazado', final: false },
  ],
  rolesConTodasLasTransiciones: ['admin'],
  transiciones: [
    { desde: 'INICIAL', hacia: 'ANALISIS_TECNICO', roles: ['tramitador'] },
    { desde: 'ANALISIS_TECNICO', hacia: 'VALIDACION', roles: ['tramitador'] },
    { desde: 'ANALISIS_TECNICO', hacia: 'RECHAZADO', roles: ['tramitador'] },
    { desde: 'VALIDACION', hacia: 'FINALIZADO', roles: ['validador'] },
    { desde: 'VALIDACION', hacia: 'RECHAZADO', roles: ['validador'] },
    { desde: 'RECHAZADO', hacia: 'INICIAL', roles: ['tramitador'] },
  ],
};

/** The phases of the standard procedure by code, as its processes report them. */
export const fases = Object.fromEntries(
  estandar.fases.map((fase) => [fase.codigo, fase]),
) as Record<FaseEstandar, Fase>;

const plazosDeLaVersion3: Partial<Record<string, Pick<Fase, 'plazo'>>> = {
  INICIAL: { plazo: { dias: 10, computo: 'habiles' } },
  ANALISIS_TECNICO: { plazo: { dias: 30, computo: 'habiles' } },
  VALIDACION: { plazo: { dias: 10, computo: 'habiles' } },
  RECHAZADO: { plazo: { dias: 10, computo: 'habiles' } },
};

/** The phases of the shipped version 3 by code, each with its plazo. */
export const fasesConPlazos = Object.fromEntries(
  estandar.fases.map((fase) => [fase.codigo, { ...fase, ...plazosDeLaVersion3[fase.codigo] }]),
) as Record<FaseEstandar, Fase>;

export const ProcedimientoMother = {
  estandarDefinicion: (): DefinicionDeProcedimiento => structuredClone(estandar),

  estandar: (): Procedimiento => Procedimiento.definir(estandar),

  /**
   * A version 2 of the standard procedure in which a tramitador may finish a validation
   * himself: what tells a process on version 1 from one on version 2.
   */
  estandarV2Definicion: (): DefinicionDeProcedimiento => ({
    ...structuredClone(estandar),
    version: 2,
    transiciones: estandar.transiciones.map((transicion) =>
      transicion.hacia === 'FINALIZADO'
        ? { ...transicion, roles: ['validador', 'tramitador'] }
        : transicion,
    ),
  }),

  estandarV2: (): Procedimiento =>
    Procedimiento.definir(ProcedimientoMother.estandarV2Definicion()),

  /** What the service ships as version 2: a rejection is taken only with its reason. */
  estandarConMotivoDefinicion: (): DefinicionDeProcedimiento => ({
    ...structuredClone(estandar),
    version: 2,
    transiciones: estandar.transiciones.map((transicion) =>
      transicion.hacia === 'RECHAZADO' ? { ...transicion, requiereMotivo: true } : transicion,
    ),
  }),

  /** What the service ships as version 3: version 2 with plazos in días hábiles. */
  estandarConPlazosDefinicion: (): DefinicionDeProcedimiento => ({
    ...ProcedimientoMother.estandarConMotivoDefinicion(),
    version: 3,
    fases: estandar.fases.map((fase) => ({ ...fase, ...plazosDeLaVersion3[fase.codigo] })),
  }),

  estandarConPlazos: (): Procedimiento =>
    Procedimiento.definir(ProcedimientoMother.estandarConPlazosDefinicion()),

  with: (changes: Partial<DefinicionDeProcedimiento>): DefinicionDeProcedimiento => ({
    ...structuredClone(estandar),
    ...changes,
  }),
};
