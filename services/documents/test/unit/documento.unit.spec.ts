import { Documento, liberarDeExpediente, registrarEnExpediente } from '../../src/domain/documento';
import {
  DocumentoNoEncontrado,
  DocumentoYaRegistrado,
  NombreDeDocumentoInvalido,
  VersionNoEncontrada,
} from '../../src/domain/errores';
import { nombreDeDocumento } from '../../src/domain/nombre-de-documento';
import { ContenidoMother, DocumentoMother, T0 } from './mothers/documento-mother';

const later = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

describe('Documento', () => {
  it('is uploaded as a staged document with its first version', () => {
    const contenido = ContenidoMother.de({ nombre: 'plano.pdf' });
    const documento = Documento.subir('doc-1', contenido, T0);

    expect(documento.expedienteId).toBeNull();
    expect(documento.versiones).toEqual([{ ...contenido, version: 1, subidoAt: T0 }]);
    expect(documento.datosParaGuardar()).toMatchObject({ pendienteDesde: T0, revision: 0 });
    expect(documento.extraerEventos()).toEqual([
      {
        tipo: 'DocumentoSubido',
        documentId: 'doc-1',
        version: documento.versiones[0],
        expedienteId: null,
      },
    ]);
    expect(documento.extraerEventos()).toEqual([]);
  });

  it('adds versions, numbered on, keeping the earlier ones', () => {
    const documento = DocumentoMother.pendiente();
    const segunda = documento.añadirVersion(
      ContenidoMother.de({ sha256: 'b'.repeat(64) }),
      later(5),
    );

    expect(segunda.version).toBe(2);
    expect(documento.versiones.map((version) => version.version)).toEqual([1, 2]);
    expect(documento.ultimaVersion).toBe(segunda);
    expect(documento.version(1).sha256).toBe('a'.repeat(64));
    expect(() => documento.version(3)).toThrow(VersionNoEncontrada);
    // Still staged: the new version restarts its wait.
    expect(documento.datosParaGuardar().pendienteDesde).toEqual(later(5));
  });

  it('tells the expediente of a claimed document when a version is added', () => {
    const documento = DocumentoMother.registradoEn('exp-1');
    documento.extraerEventos();
    documento.añadirVersion(ContenidoMother.de(), later(1));
    expect(documento.extraerEventos()).toEqual([
      expect.objectContaining({ tipo: 'DocumentoSubido', expedienteId: 'exp-1' }),
    ]);
    expect(documento.datosParaGuardar().pendienteDesde).toBeNull();
  });

  it('is claimed by one expediente only; claiming it again for that one changes nothing', () => {
    const documento = DocumentoMother.pendiente({ id: 'doc-1' });
    documento.extraerEventos();

    documento.registrarEn('exp-1');
    documento.registrarEn('exp-1');

    expect(documento.expedienteId).toBe('exp-1');
    expect(documento.extraerEventos()).toEqual([
      { tipo: 'DocumentoRegistrado', documentId: 'doc-1', expedienteId: 'exp-1' },
    ]);
    expect(() => documento.registrarEn('exp-2')).toThrow(DocumentoYaRegistrado);
    expect(documento.expedienteId).toBe('exp-1');
  });

  it('is released only by the expediente that has it, and waits anew from then', () => {
    const documento = DocumentoMother.registradoEn('exp-1', { id: 'doc-1' });
    documento.extraerEventos();

    expect(documento.liberarDe('exp-2', later(10))).toBe(false);
    expect(documento.expedienteId).toBe('exp-1');
    expect(documento.liberarDe('exp-1', later(10))).toBe(true);
    expect(documento.liberarDe('exp-1', later(11))).toBe(false);

    expect(documento.expedienteId).toBeNull();
    expect(documento.datosParaGuardar().pendienteDesde).toEqual(later(10));
    expect(documento.extraerEventos()).toEqual([
      { tipo: 'DocumentoLiberado', documentId: 'doc-1', expedienteId: 'exp-1' },
    ]);
  });

  it('is abandoned when staged since before the limit, never while claimed', () => {
    const pendiente = DocumentoMother.pendiente({ at: T0 });
    expect(pendiente.abandonadoAntesDe(later(1))).toBe(true);
    expect(pendiente.abandonadoAntesDe(T0)).toBe(false);
    expect(DocumentoMother.registradoEn('exp-1').abandonadoAntesDe(later(60))).toBe(false);
  });
});

describe('registrarEnExpediente', () => {
  it('claims every document, in the order asked', () => {
    const a = DocumentoMother.pendiente({ id: 'a' });
    const b = DocumentoMother.registradoEn('exp-1', { id: 'b' }); // a repeated command
    const registrados = registrarEnExpediente('exp-1', ['b', 'a'], [a, b]);
    expect(registrados.map((documento) => documento.id)).toEqual(['b', 'a']);
    expect([a.expedienteId, b.expedienteId]).toEqual(['exp-1', 'exp-1']);
  });

  it('claims none when one is unknown, and names the missing ones', () => {
    const a = DocumentoMother.pendiente({ id: 'a' });
    const error = (() => {
      try {
        registrarEnExpediente('exp-1', ['a', 'x', 'y'], [a]);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(DocumentoNoEncontrado);
    expect((error as DocumentoNoEncontrado).documentIds).toEqual(['x', 'y']);
    expect((error as DocumentoNoEncontrado).message).toBe('No existen los documentos x, y');
    expect(a.expedienteId).toBeNull();
  });

  it('claims none when another expediente has one of them', () => {
    const a = DocumentoMother.pendiente({ id: 'a' });
    const b = DocumentoMother.registradoEn('exp-2', { id: 'b' });
    expect(() => registrarEnExpediente('exp-1', ['a', 'b'], [a, b])).toThrow(
      new DocumentoYaRegistrado(['b']),
    );
    expect(a.expedienteId).toBeNull();
    expect(b.expedienteId).toBe('exp-2');
  });

  it('lets liberarDeExpediente give back only what that expediente has', () => {
    const a = DocumentoMother.registradoEn('exp-1', { id: 'a' });
    const b = DocumentoMother.registradoEn('exp-2', { id: 'b' });
    const c = DocumentoMother.pendiente({ id: 'c' });
    expect(liberarDeExpediente('exp-1', [a, b, c], later(1))).toEqual([a]);
    expect([a.expedienteId, b.expedienteId, c.expedienteId]).toEqual([null, 'exp-2', null]);
  });
});

describe('nombreDeDocumento', () => {
  it('keeps a file name as given, without surrounding blanks', () => {
    expect(nombreDeDocumento('  Solicitud de licencia (firmada).pdf ')).toBe(
      'Solicitud de licencia (firmada).pdf',
    );
  });

  it.each([
    [undefined, 'Falta el nombre del documento'],
    ['   ', 'Falta el nombre del documento'],
    ['a'.repeat(256), 'El nombre del documento no puede pasar de 255 caracteres'],
    ['carpeta/plano.pdf', 'El nombre del documento no puede contener barras'],
    ['C:\\fakepath\\plano.pdf', 'El nombre del documento no puede contener barras'],
    ['plano\n.pdf', 'caracteres de control'],
    ['..', 'El nombre del documento no puede contener barras'],
  ])('refuses %j', (nombre, motivo) => {
    expect(() => nombreDeDocumento(nombre)).toThrow(NombreDeDocumentoInvalido);
    expect(() => nombreDeDocumento(nombre)).toThrow(motivo);
  });
});
