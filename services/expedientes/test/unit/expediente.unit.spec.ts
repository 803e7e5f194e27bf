import { CodigoDeExpediente } from '../../src/domain/codigo-de-expediente';
import { Comentario, MAXIMO_COMENTARIO } from '../../src/domain/comentario';
import { Expediente } from '../../src/domain/expediente';
import { SolicitudDeExpediente } from '../../src/domain/solicitud-de-expediente';
import {
  at,
  DocumentoMother,
  ExpedienteMother,
  FaseMother,
  SolicitudMother,
} from '../support/mothers';

const ana = { usuario: 'ana', administra: false };
const luis = { usuario: 'luis', administra: false };
const root = { usuario: 'root', administra: true };
const AT = new Date('2030-01-03T10:00:00Z');

const typesOf = (expediente: Expediente): string[] =>
  expediente.pullDomainEvents().map((event) => event.type);

describe('Expediente', () => {
  describe('requesting one', () => {
    it('is pending with the code in capitals, the initial option and its documents', () => {
      const expediente = Expediente.solicitar(
        'exp-1',
        SolicitudMother.valida({ codigo: ' exp-2030/001 ', descripcion: '  Licencia  ' }),
        at('2030-01-01T09:00:00.000Z'),
      );
      expect(expediente.estadoActual).toBe('pendiente');
      expect(expediente.codigo.valor).toBe('EXP-2030/001');
      expect(expediente.faseActual).toBeNull();
      const [event] = expediente.pullDomainEvents();
      expect(event).toEqual({
        type: 'expedientes.expediente.solicitado.v1',
        occurredAt: '2030-01-01T09:00:00.000Z',
        data: {
          expedienteId: 'exp-1',
          codigo: 'EXP-2030/001',
          opcionInicial: 'SEDE_ELECTRONICA',
          descripcion: 'Licencia',
          documentIds: ['doc-1', 'doc-2'],
          por: 'ana.tramitadora',
        },
      });
      expect(expediente.version).toBe(0);
    });

    it.each([
      ['an empty code', { codigo: '' }, 'EXPEDIENTE.CODIGO_INVALIDO'],
      ['a code with spaces', { codigo: 'EXP 1' }, 'EXPEDIENTE.CODIGO_INVALIDO'],
      ['a code of 51 characters', { codigo: 'X'.repeat(51) }, 'EXPEDIENTE.CODIGO_INVALIDO'],
      ['an unknown option', { opcionInicial: 'CORREO' }, 'EXPEDIENTE.OPCION_INICIAL_INVALIDA'],
      ['no documents', { documentIds: [] }, 'EXPEDIENTE.SIN_DOCUMENTOS'],
      ['a blank document id', { documentIds: ['  '] }, 'EXPEDIENTE.SIN_DOCUMENTOS'],
      ['a document twice', { documentIds: ['d1', 'd1'] }, 'EXPEDIENTE.DOCUMENTO_REPETIDO'],
      [
        'a description of 4001 characters',
        { descripcion: 'x'.repeat(4_001) },
        'EXPEDIENTE.DESCRIPCION_DEMASIADO_LARGA',
      ],
    ])('refuses a request with %s', (_label, overrides, code) => {
      expect(() => SolicitudDeExpediente.crear(SolicitudMother.datos(overrides))).toThrow(
        expect.objectContaining({ code, kind: 'invalid' }),
      );
    });

    it('takes codes that differ only in case as the same code', () => {
      expect(CodigoDeExpediente.crear('exp-1').equals(CodigoDeExpediente.crear('EXP-1'))).toBe(
        true,
      );
    });
  });

  describe('opening it', () => {
    it('records the phase and the documents the replies gave', () => {
      const expediente = ExpedienteMother.abierto();
      expect(expediente.estadoActual).toBe('abierto');
      expect(expediente.faseActual).toEqual(FaseMother.inicial());
      expect(expediente.tieneVersion('doc-1', 1)).toBe(true);
      expect(expediente.tieneVersion('doc-2', 1)).toBe(true);
      expect(expediente.tieneVersion('doc-3', 1)).toBe(false);
      expect(typesOf(expediente)).toEqual([
        'expedientes.expediente.solicitado.v1',
        'expedientes.expediente.abierto.v1',
      ]);
    });

    it('cannot be opened twice, nor after its creation was rejected', () => {
      const abierto = ExpedienteMother.abierto();
      expect(() =>
        abierto.abrir({ fase: FaseMother.inicial(), documentos: [] }, at('2030-01-02T00:00:00Z')),
      ).toThrow(expect.objectContaining({ code: 'EXPEDIENTE.ESTADO_NO_PERMITE', kind: 'rule' }));

      const rechazado = ExpedienteMother.pendiente();
      rechazado.rechazarCreacion(
        { causa: 'DOCUMENTS.NOT_FOUND', motivo: 'no existe' },
        at('2030-01-01T09:05:00Z'),
      );
      expect(rechazado.estadoActual).toBe('creacion_rechazada');
      expect(() =>
        rechazado.abrir({ fase: FaseMother.inicial(), documentos: [] }, at('2030-01-02T00:00:00Z')),
      ).toThrow(/rechazado/);
      expect(() =>
        rechazado.rechazarCreacion({ causa: null, motivo: 'otra vez' }, at('2030-01-02T00:00:00Z')),
      ).toThrow(expect.objectContaining({ code: 'EXPEDIENTE.ESTADO_NO_PERMITE' }));
    });
  });

  describe('editing its description', () => {
    it('records the new and the former description', () => {
      const expediente = ExpedienteMother.abierto();
      expediente.pullDomainEvents();
      expediente.editarDescripcion(' Nueva descripción ', at('2030-01-03T10:00:00Z', 'luis'));
      expect(expediente.descripcion).toBe('Nueva descripción');
      expect(expediente.pullDomainEvents()).toEqual([
        expect.objectContaining({
          type: 'expedientes.expediente.descripcion-editada.v1',
          data: {
            expedienteId: 'exp-1',
            descripcion: 'Nueva descripción',
            anterior: 'Licencia de obra menor en la calle Mayor 1',
            por: 'luis',
          },
        }),
      ]);
    });

    it('records nothing when the description stays the same', () => {
      const expediente = ExpedienteMother.abierto();
      expediente.pullDomainEvents();
      expediente.editarDescripcion(
        'Licencia de obra menor en la calle Mayor 1 ',
        at('2030-01-03T10:00:00Z'),
      );
      expect(expediente.hasUncommittedEvents()).toBe(false);
    });

    it('is refused while pending', () => {
      expect(() =>
        ExpedienteMother.pendiente().editarDescripcion('x', at('2030-01-03T10:00:00Z')),
      ).toThrow(expect.objectContaining({ code: 'EXPEDIENTE.ESTADO_NO_PERMITE' }));
    });
  });

  describe('changing its phase', () => {
    it('moves from its phase to the new one', () => {
      const expediente = ExpedienteMother.abierto();
      expediente.pullDomainEvents();
      expediente.cambiarFase(FaseMother.analisis(), at('2030-01-04T10:00:00Z'));
      expect(expediente.faseActual).toEqual(FaseMother.analisis());
      expect(expediente.pullDomainEvents()[0].data).toMatchObject({
        desde: FaseMother.inicial(),
        hacia: FaseMother.analisis(),
      });
    });

    it('is finished by a final phase, and then no longer changes', () => {
      const expediente = ExpedienteMother.abierto();
      expediente.cambiarFase(FaseMother.analisis(), at('2030-01-04T10:00:00Z'));
      expediente.cambiarFase(FaseMother.validacion(), at('2030-01-05T10:00:00Z'));
      expediente.cambiarFase(FaseMother.finalizado(), at('2030-01-06T10:00:00Z', 'vicente'));
      expect(expediente.estadoActual).toBe('finalizado');
      expect(() => expediente.comprobarCambioDeFase('RECHAZADO', ana)).toThrow(/finalizado/);
      expect(() => expediente.editarDescripcion('x', at('2030-01-07T10:00:00Z'))).toThrow(
        expect.objectContaining({ code: 'EXPEDIENTE.ESTADO_NO_PERMITE' }),
      );
    });

    it('refuses the phase it is in, and any change while pending', () => {
      expect(() => ExpedienteMother.abierto().comprobarCambioDeFase('INICIAL', ana)).toThrow(
        expect.objectContaining({ code: 'EXPEDIENTE.MISMA_FASE', kind: 'rule' }),
      );
      expect(() =>
        ExpedienteMother.pendiente().cambiarFase(FaseMother.analisis(), at('2030-01-04T10:00:00Z')),
      ).toThrow(expect.objectContaining({ code: 'EXPEDIENTE.ESTADO_NO_PERMITE' }));
    });
  });

  describe("following bpm's numbered transitions", () => {
    const cambios = (expediente: Expediente) =>
      expediente
        .pullDomainEvents()
        .filter((event) => event.type === 'expedientes.expediente.fase-cambiada.v1')
        .map((event) => event.data);

    it('follows each one once, through a rejection and back to phases it was in', () => {
      const expediente = ExpedienteMother.abierto();
      const walk = [
        FaseMother.analisis(),
        FaseMother.rechazado(),
        FaseMother.inicial(),
        FaseMother.analisis(),
      ];
      for (const [index, fase] of walk.entries()) {
        expect(expediente.cambiarFase(fase, at('2030-01-04T10:00:00Z'), index + 1)).toBe(true);
        // The same transition told again (the reply after the event, a redelivery).
        expect(expediente.cambiarFase(fase, at('2030-01-04T10:00:00Z'), index + 1)).toBe(false);
      }
      expect(expediente.faseActual).toEqual(FaseMother.analisis());
      expect(cambios(expediente).map(({ hacia, paso }) => [hacia.codigo, paso])).toEqual([
        ['ANALISIS_TECNICO', 1],
        ['RECHAZADO', 2],
        ['INICIAL', 3],
        ['ANALISIS_TECNICO', 4],
      ]);
    });

    it('never goes back to an older transition, even to a phase it is not in', () => {
      const expediente = ExpedienteMother.abierto();
      expediente.cambiarFase(FaseMother.analisis(), at('2030-01-04T10:00:00Z'), 1);
      expediente.cambiarFase(FaseMother.rechazado(), at('2030-01-04T11:00:00Z'), 2);
      expediente.cambiarFase(FaseMother.inicial(), at('2030-01-04T12:00:00Z'), 3);
      expediente.pullDomainEvents();

      // Transition 1 came late: "already in ANALISIS_TECNICO" would not tell, the number does.
      expect(expediente.cambiarFase(FaseMother.analisis(), at('2030-01-04T13:00:00Z'), 1)).toBe(
        false,
      );
      expect(expediente.cambiarFase(FaseMother.rechazado(), at('2030-01-04T13:00:00Z'), 2)).toBe(
        false,
      );
      expect(expediente.faseActual).toEqual(FaseMother.inicial());
      expect(expediente.hasUncommittedEvents()).toBe(false);
    });

    it('jumps to the newest transition it is told of, recording where it came from', () => {
      const expediente = ExpedienteMother.abierto();
      expediente.pullDomainEvents();
      expediente.cambiarFase(FaseMother.validacion(), at('2030-01-04T10:00:00Z', 'luis'), 2);
      expect(cambios(expediente)).toEqual([
        {
          expedienteId: 'exp-1',
          desde: FaseMother.inicial(),
          hacia: FaseMother.validacion(),
          paso: 2,
          por: 'luis',
        },
      ]);
      expect(expediente.cambiarFase(FaseMother.analisis(), at('2030-01-04T11:00:00Z'), 1)).toBe(
        false,
      );
    });

    it('takes a transition without a number as followed when it is in its phase', () => {
      const expediente = ExpedienteMother.abierto();
      expect(expediente.cambiarFase(FaseMother.analisis(), at('2030-01-04T10:00:00Z'))).toBe(true);
      expect(expediente.cambiarFase(FaseMother.analisis(), at('2030-01-04T10:00:00Z'))).toBe(false);
      // Numbered ones come after it: the first of them moves it on.
      expect(expediente.cambiarFase(FaseMother.validacion(), at('2030-01-04T11:00:00Z'), 5)).toBe(
        true,
      );
      expect(cambios(expediente).map(({ paso }) => paso)).toEqual([undefined, 5]);
    });

    it('remembers the last one it followed when it comes back from its history', () => {
      const original = ExpedienteMother.abierto();
      original.cambiarFase(FaseMother.analisis(), at('2030-01-04T10:00:00Z'), 1);
      original.cambiarFase(FaseMother.rechazado(), at('2030-01-04T11:00:00Z'), 2);
      original.cambiarFase(FaseMother.inicial(), at('2030-01-04T12:00:00Z'), 3);

      const restored = Expediente.desdeHistorial(original.pullDomainEvents());
      expect(restored?.cambiarFase(FaseMother.analisis(), at('2030-01-04T13:00:00Z'), 1)).toBe(
        false,
      );
      expect(restored?.cambiarFase(FaseMother.analisis(), at('2030-01-04T13:00:00Z'), 4)).toBe(
        true,
      );
    });

    it('once finished, knows the transition that finished it and refuses newer ones', () => {
      const expediente = ExpedienteMother.abierto();
      expediente.cambiarFase(FaseMother.analisis(), at('2030-01-04T10:00:00Z'), 1);
      expediente.cambiarFase(FaseMother.validacion(), at('2030-01-04T11:00:00Z'), 2);
      expediente.cambiarFase(FaseMother.finalizado(), at('2030-01-04T12:00:00Z'), 3);
      expect(expediente.cambiarFase(FaseMother.finalizado(), at('2030-01-04T13:00:00Z'), 3)).toBe(
        false,
      );
      expect(() =>
        expediente.cambiarFase(FaseMother.rechazado(), at('2030-01-04T13:00:00Z'), 4),
      ).toThrow(expect.objectContaining({ code: 'EXPEDIENTE.ESTADO_NO_PERMITE' }));
    });
  });

  describe('documents', () => {
    it('takes a new document and newer versions of the ones it has', () => {
      const expediente = ExpedienteMother.abierto();
      expediente.adjuntarDocumento(DocumentoMother.of('doc-3'), at('2030-01-04T10:00:00Z'));
      expediente.adjuntarDocumento(
        DocumentoMother.of('doc-1', { version: 2 }),
        at('2030-01-04T11:00:00Z'),
      );
      expect(expediente.tieneVersion('doc-1', 2)).toBe(true);
      expect(expediente.tieneVersion('doc-1', 3)).toBe(false);
      expect(expediente.tieneVersion('doc-3', 1)).toBe(true);
    });

    it('refuses a version it has, or an older one', () => {
      const expediente = ExpedienteMother.abierto();
      expediente.adjuntarDocumento(
        DocumentoMother.of('doc-1', { version: 3 }),
        at('2030-01-04T10:00:00Z'),
      );
      for (const version of [3, 2]) {
        expect(() =>
          expediente.adjuntarDocumento(
            DocumentoMother.of('doc-1', { version }),
            at('2030-01-04T11:00:00Z'),
          ),
        ).toThrow(
          expect.objectContaining({ code: 'EXPEDIENTE.VERSION_DE_DOCUMENTO_YA_REGISTRADA' }),
        );
      }
    });

    it('refuses as new a document it has, and documents while pending', () => {
      expect(() => ExpedienteMother.abierto().comprobarDocumentoNuevo('doc-1')).toThrow(
        expect.objectContaining({ code: 'EXPEDIENTE.DOCUMENTO_YA_ADJUNTADO', kind: 'conflict' }),
      );
      expect(() => ExpedienteMother.pendiente().comprobarDocumentoNuevo('doc-9')).toThrow(
        expect.objectContaining({ code: 'EXPEDIENTE.ESTADO_NO_PERMITE' }),
      );
    });
  });

  describe('commenting on it', () => {
    it('records the text with its line breaks and whom it mentions, each once, in lower case', () => {
      const expediente = ExpedienteMother.abierto();
      expediente.pullDomainEvents();
      const texto =
        '  @Ana.Garcia revise el plano,\r\npor favor.\n\nCopia a @luis-v y @ana.garcia.  ';
      expediente.comentar(Comentario.crear(texto), at('2030-01-03T10:00:00Z', 'marta'));
      expect(expediente.pullDomainEvents()).toEqual([
        expect.objectContaining({
          type: 'expedientes.expediente.comentario-anadido.v1',
          data: {
            expedienteId: 'exp-1',
            texto: '@Ana.Garcia revise el plano,\npor favor.\n\nCopia a @luis-v y @ana.garcia.',
            menciones: ['ana.garcia', 'luis-v'],
            por: 'marta',
          },
        }),
      ]);
    });

    it.each([
      ['an e-mail address', 'Escriba a registro@ayuntamiento.es', []],
      ['a name too short', 'Hola @al', []],
      ['a mention at the start of a line', 'Visto.\n@pepe.perez: adelante', ['pepe.perez']],
    ])('takes as mentions only names as auth spells them: %s', (_case, texto, menciones) => {
      expect(Comentario.crear(texto as string).menciones).toEqual(menciones);
    });

    it.each([
      ['empty', '  \n '],
      ['too long', 'x'.repeat(MAXIMO_COMENTARIO + 1)],
      ['with control characters', 'hola\u0007'],
    ])('refuses a comment %s', (_case, texto) => {
      expect(() => Comentario.crear(texto)).toThrow(
        expect.objectContaining({ code: 'EXPEDIENTE.COMENTARIO_INVALIDO', kind: 'invalid' }),
      );
    });

    it('is refused while pending and once finished', () => {
      const comentario = Comentario.crear('Visto');
      expect(() =>
        ExpedienteMother.pendiente().comentar(comentario, at('2030-01-03T10:00:00Z')),
      ).toThrow(expect.objectContaining({ code: 'EXPEDIENTE.ESTADO_NO_PERMITE' }));
      const finalizado = ExpedienteMother.abierto();
      finalizado.cambiarFase(FaseMother.finalizado(), at('2030-01-06T10:00:00Z'));
      expect(() => finalizado.comentar(comentario, at('2030-01-07T10:00:00Z'))).toThrow(
        expect.objectContaining({ code: 'EXPEDIENTE.ESTADO_NO_PERMITE' }),
      );
    });
  });

  describe('assigning it', () => {
    it('is taken by anyone while nobody has it, passed on by its assignee, and released', () => {
      const expediente = ExpedienteMother.abierto();
      expediente.pullDomainEvents();
      expediente.asignar('ana', ana, AT);
      expediente.asignar('luis', ana, AT);
      expediente.asignar(null, luis, AT);
      expect(expediente.asignadoA).toBeNull();
      expect(expediente.pullDomainEvents().map((event) => event.data)).toEqual([
        { expedienteId: 'exp-1', asignadoA: 'ana', anterior: null, por: 'ana' },
        { expedienteId: 'exp-1', asignadoA: 'luis', anterior: 'ana', por: 'ana' },
        { expedienteId: 'exp-1', asignadoA: null, anterior: 'luis', por: 'luis' },
      ]);
    });

    it("refuses someone else's to anyone but its assignee or an administrator", () => {
      const expediente = ExpedienteMother.abierto();
      expediente.asignar('ana', ana, AT);
      expediente.pullDomainEvents();
      for (const change of ['luis', null]) {
        expect(() => expediente.asignar(change, luis, AT)).toThrow(
          expect.objectContaining({ code: 'EXPEDIENTE.ASIGNADO_A_OTRO', kind: 'conflict' }),
        );
      }
      expediente.asignar('ana', luis, AT); // what is already so changes nothing
      expect(expediente.hasUncommittedEvents()).toBe(false);
      expediente.asignar('luis', root, AT);
      expect(expediente.asignadoA).toBe('luis');
    });

    it('lets only its assignee or an administrator change its phase', () => {
      const expediente = ExpedienteMother.abierto();
      expediente.asignar('ana', ana, AT);
      expect(() => expediente.comprobarCambioDeFase('ANALISIS_TECNICO', luis)).toThrow(
        expect.objectContaining({ code: 'EXPEDIENTE.TRAMITA_OTRO', kind: 'rule' }),
      );
      expect(() => expediente.comprobarCambioDeFase('ANALISIS_TECNICO', ana)).not.toThrow();
      expect(() => expediente.comprobarCambioDeFase('ANALISIS_TECNICO', root)).not.toThrow();
    });

    it('is refused while pending and once finished', () => {
      expect(() => ExpedienteMother.pendiente().asignar('ana', ana, AT)).toThrow(
        expect.objectContaining({ code: 'EXPEDIENTE.ESTADO_NO_PERMITE' }),
      );
      const finalizado = ExpedienteMother.abierto();
      finalizado.cambiarFase(FaseMother.finalizado(), at('2030-01-06T10:00:00Z'));
      expect(() => finalizado.asignar('ana', ana, AT)).toThrow(
        expect.objectContaining({ code: 'EXPEDIENTE.ESTADO_NO_PERMITE' }),
      );
    });

    it('comes back from its history with its assignee', () => {
      const expediente = ExpedienteMother.abierto();
      expediente.asignar('ana', ana, AT);
      expect(Expediente.desdeHistorial(expediente.pullDomainEvents())?.asignadoA).toBe('ana');
    });
  });

  it('comes back from its history as it was', () => {
    const original = ExpedienteMother.abierto();
    original.cambiarFase(FaseMother.analisis(), at('2030-01-04T10:00:00Z'));
    original.adjuntarDocumento(
      DocumentoMother.of('doc-1', { version: 2 }),
      at('2030-01-04T11:00:00Z'),
    );
    const events = original.pullDomainEvents();

    const restored = Expediente.desdeHistorial(events);
    expect(restored?.version).toBe(events.length - 1);
    expect(restored?.faseActual).toEqual(FaseMother.analisis());
    expect(restored?.tieneVersion('doc-1', 2)).toBe(true);
    expect(restored?.tieneVersion('doc-2', 1)).toBe(true);
    expect(restored?.descripcion).toBe(original.descripcion);
    expect(restored?.hasUncommittedEvents()).toBe(false);
    expect(Expediente.desdeHistorial([])).toBeNull();
  });
});
