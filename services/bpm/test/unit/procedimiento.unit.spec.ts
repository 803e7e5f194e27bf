import { DomainError } from '@expedientes/shared-kernel';
import { CatalogoDeProcedimientos } from '../../src/domain/catalogo-de-procedimientos';
import { Procedimiento } from '../../src/domain/procedimiento';
import { fases, ProcedimientoMother } from '../support/procedimiento-mother';

const refusalOf = (decide: () => unknown): DomainError => {
  try {
    decide();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('Procedimiento', () => {
  const estandar = ProcedimientoMother.estandar();

  it('starts in its initial phase', () => {
    expect(estandar.faseInicial).toEqual(fases.INICIAL);
  });

  it.each([
    ['INICIAL', ['tramitador'], ['ANALISIS_TECNICO']],
    ['INICIAL', ['validador'], []],
    ['ANALISIS_TECNICO', ['tramitador'], ['VALIDACION', 'RECHAZADO']],
    ['ANALISIS_TECNICO', ['validador'], []],
    ['VALIDACION', ['tramitador'], []],
    ['VALIDACION', ['validador'], ['FINALIZADO', 'RECHAZADO']],
    ['VALIDACION', ['admin'], ['FINALIZADO', 'RECHAZADO']],
    ['RECHAZADO', ['tramitador'], ['INICIAL']],
    ['RECHAZADO', ['admin'], ['INICIAL']],
    ['FINALIZADO', ['admin'], []],
    ['INICIAL', [], []],
  ] as const)('from %s lets roles %j move to %j', (desde, roles, expected) => {
    expect(estandar.transicionesDisponibles(desde, roles)).toEqual(
      expected.map((codigo) => fases[codigo]),
    );
  });

  it('lets a user with several roles take the transitions of each', () => {
    expect(estandar.transicionesDisponibles('VALIDACION', ['tramitador', 'validador'])).toEqual([
      fases.FINALIZADO,
      fases.RECHAZADO,
    ]);
  });

  it('authorises an allowed transition and gives the phase it leads to', () => {
    expect(estandar.autorizarTransicion('VALIDACION', 'FINALIZADO', ['validador'])).toEqual(
      fases.FINALIZADO,
    );
    expect(estandar.autorizarTransicion('VALIDACION', 'FINALIZADO', ['admin'])).toEqual(
      fases.FINALIZADO,
    );
  });

  it('refuses a transition for the wrong role, naming who may take it', () => {
    const refusal = refusalOf(() =>
      estandar.autorizarTransicion('VALIDACION', 'FINALIZADO', ['tramitador']),
    );
    expect(refusal).toMatchObject({
      code: 'BPM.ROLE_NOT_ALLOWED',
      kind: 'forbidden',
      message: 'Solo un validador puede pasar de Fase de validación a Finalizado',
    });
  });

  it('names the administrators when a transition lists no other role', () => {
    const soloAdmin = Procedimiento.definir(
      ProcedimientoMother.with({
        transiciones: ProcedimientoMother.estandarDefinicion().transiciones.map((each) =>
          each.desde === 'RECHAZADO' ? { ...each, roles: [] } : each,
        ),
      }),
    );
    expect(
      refusalOf(() => soloAdmin.autorizarTransicion('RECHAZADO', 'INICIAL', ['tramitador']))
        .message,
    ).toBe('Solo un admin puede pasar de Fase rechazado a Fase inicial');
  });

  it('refuses a transition the procedure does not have from that phase, saying where it can go', () => {
    const refusal = refusalOf(() =>
      estandar.autorizarTransicion('ANALISIS_TECNICO', 'FINALIZADO', ['admin']),
    );
    expect(refusal).toMatchObject({
      code: 'BPM.TRANSITION_NOT_ALLOWED',
      kind: 'rule',
      message:
        'No se puede pasar de Fase de análisis técnico a Finalizado: desde Fase de análisis técnico solo se puede pasar a Fase de validación o Fase rechazado',
    });
  });

  it('takes a transition that asks for a reason only with one, and lists such transitions', () => {
    const conMotivo = Procedimiento.definir(ProcedimientoMother.estandarConMotivoDefinicion());
    expect(conMotivo.conMotivoDesde('VALIDACION')).toEqual(['RECHAZADO']);
    expect(conMotivo.conMotivoDesde('INICIAL')).toEqual([]);
    for (const motivo of [undefined, '', '   ']) {
      expect(() =>
        conMotivo.autorizarTransicion('VALIDACION', 'RECHAZADO', ['validador'], motivo),
      ).toThrow(
        expect.objectContaining({
          code: 'BPM.MOTIVO_REQUERIDO',
          message: 'Para pasar de Fase de validación a Fase rechazado hay que indicar el motivo',
        }),
      );
    }
    expect(
      conMotivo.autorizarTransicion('VALIDACION', 'RECHAZADO', ['validador'], 'Incompleto'),
    ).toEqual(fases.RECHAZADO);
    // The one without: no reason needed, none asked for by version 1 either.
    expect(conMotivo.autorizarTransicion('VALIDACION', 'FINALIZADO', ['validador'])).toEqual(
      fases.FINALIZADO,
    );
    expect(estandar.autorizarTransicion('VALIDACION', 'RECHAZADO', ['validador'])).toEqual(
      fases.RECHAZADO,
    );
  });

  it('refuses to leave a final phase', () => {
    expect(
      refusalOf(() => estandar.autorizarTransicion('FINALIZADO', 'INICIAL', ['admin'])).message,
    ).toBe('No se puede pasar de Finalizado a Fase inicial: Finalizado es una fase final');
  });

  it('refuses a phase it does not have', () => {
    expect(
      refusalOf(() => estandar.autorizarTransicion('INICIAL', 'ARCHIVADO', ['admin'])),
    ).toMatchObject({
      code: 'BPM.UNKNOWN_PHASE',
      message: 'La fase ARCHIVADO no existe en el procedimiento Procedimiento estándar',
    });
  });

  it('refuses a definition that does not hold together, listing every problem', () => {
    const definicion = ProcedimientoMother.with({
      version: 0,
      faseInicial: 'FINALIZADO',
      fases: [...ProcedimientoMother.estandarDefinicion().fases, fases.INICIAL],
      transiciones: [
        ...ProcedimientoMother.estandarDefinicion().transiciones.filter(
          (each) => each.desde !== 'RECHAZADO',
        ),
        { desde: 'INICIAL', hacia: 'ANALISIS_TECNICO', roles: ['admin'] },
        { desde: 'FINALIZADO', hacia: 'ARCHIVADO', roles: ['admin'] },
      ],
    });
    const refusal = refusalOf(() => Procedimiento.definir(definicion));
    expect(refusal.code).toBe('BPM.INVALID_PROCEDURE');
    expect(refusal.details.problems).toEqual([
      'la versión debe ser un entero positivo',
      'la fase INICIAL está repetida',
      'la fase inicial FINALIZADO no puede ser final',
      'la transición INICIAL -> ANALISIS_TECNICO está repetida',
      'la transición FINALIZADO -> ARCHIVADO nombra la fase ARCHIVADO, que no existe',
      'la transición FINALIZADO -> ARCHIVADO sale de una fase final',
      'la fase RECHAZADO no es final y no tiene ninguna transición de salida',
    ]);
  });

  it('refuses an initial phase it does not have', () => {
    expect(
      refusalOf(() => Procedimiento.definir(ProcedimientoMother.with({ faseInicial: 'NINGUNA' })))
        .details.problems,
    ).toEqual(['la fase inicial NINGUNA no es una de sus fases']);
  });
});

describe('CatalogoDeProcedimientos', () => {
  const v1 = ProcedimientoMother.estandar();
  const v2 = ProcedimientoMother.estandarV2();
  const otro = Procedimiento.definir(
    ProcedimientoMother.with({ codigo: 'abreviado', nombre: 'Procedimiento abreviado' }),
  );
  const catalogo = new CatalogoDeProcedimientos([v2, otro, v1]);

  it('gives new processes the newest version and keeps every older one', () => {
    expect(catalogo.vigente('estandar')).toBe(v2);
    expect(catalogo.version('estandar', 1)).toBe(v1);
    expect(catalogo.versionesDe('estandar')).toEqual([1, 2]);
  });

  it('lists the newest version of each procedure by code', () => {
    expect(catalogo.vigentes()).toEqual([otro, v2]);
  });

  it('says which procedure or version it does not have', () => {
    expect(refusalOf(() => catalogo.vigente('urgente'))).toMatchObject({
      code: 'BPM.PROCEDURE_NOT_FOUND',
      message: 'No existe el procedimiento urgente',
    });
    expect(refusalOf(() => catalogo.version('estandar', 3)).message).toBe(
      'No existe la versión 3 del procedimiento estandar',
    );
  });

  it('refuses the same version twice', () => {
    expect(
      refusalOf(() => new CatalogoDeProcedimientos([v1, ProcedimientoMother.estandar()])).code,
    ).toBe('BPM.INVALID_PROCEDURE');
  });
});
