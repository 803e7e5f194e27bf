import { createHash } from 'node:crypto';
import { Actor, Documento, Fase } from '@expedientes/shared-kernel';
import { Autoria, Expediente } from '../../src/domain/expediente';
import { SolicitudDeExpediente } from '../../src/domain/solicitud-de-expediente';

/** The phases of the standard procedure, as bpm names them. */
export const FaseMother = {
  inicial: (): Fase => ({ codigo: 'INICIAL', nombre: 'Fase inicial', final: false }),
  analisis: (): Fase => ({
    codigo: 'ANALISIS_TECNICO',
    nombre: 'Fase de análisis técnico',
    final: false,
  }),
  validacion: (): Fase => ({ codigo: 'VALIDACION', nombre: 'Fase de validación', final: false }),
  finalizado: (): Fase => ({ codigo: 'FINALIZADO', nombre: 'Finalizado', final: true }),
  rechazado: (): Fase => ({ codigo: 'RECHAZADO', nombre: 'Fase rechazado', final: false }),
};

export const ActorMother = {
  tramitadora: (): Actor => ({ userId: 'ana.tramitadora', roles: ['tramitador'] }),
  validador: (): Actor => ({ userId: 'vicente.validador', roles: ['validador'] }),
  admin: (): Actor => ({ userId: 'root', roles: ['admin'] }),
};

export const DocumentoMother = {
  /** Version `version` of a document; its hash follows from its id and version. */
  of: (documentId: string, overrides: Partial<Documento> = {}): Documento => {
    const version = overrides.version ?? 1;
    return {
      documentId,
      nombre: `${documentId}.pdf`,
      mediaType: 'application/pdf',
      size: 1_000 * version,
      sha256: createHash('sha256').update(`${documentId}@${version}`).digest('hex'),
      version,
      subidoAt: '2030-01-01T08:00:00.000Z',
      subidoPor: 'ana.tramitadora',
      ...overrides,
    };
  },
};

export const SolicitudMother = {
  datos: (overrides: Partial<Parameters<typeof SolicitudDeExpediente.crear>[0]> = {}) => ({
    codigo: 'EXP-2030/001',
    opcionInicial: 'SEDE_ELECTRONICA',
    descripcion: 'Licencia de obra menor en la calle Mayor 1',
    documentIds: ['doc-1', 'doc-2'],
    ...overrides,
  }),
  valida: (overrides: Partial<Parameters<typeof SolicitudDeExpediente.crear>[0]> = {}) =>
    SolicitudDeExpediente.crear(SolicitudMother.datos(overrides)),
};

export const at = (iso: string, por = 'ana.tramitadora'): Autoria => ({ por, at: new Date(iso) });

export const ExpedienteMother = {
  pendiente: (id = 'exp-1'): Expediente =>
    Expediente.solicitar(id, SolicitudMother.valida(), at('2030-01-01T09:00:00.000Z')),
  /** Opened in the initial phase with doc-1 and doc-2; its events are not pulled. */
  abierto: (id = 'exp-1'): Expediente => {
    const expediente = ExpedienteMother.pendiente(id);
    expediente.abrir(
      {
        fase: FaseMother.inicial(),
        documentos: [DocumentoMother.of('doc-1'), DocumentoMother.of('doc-2')],
      },
      at('2030-01-01T09:01:00.000Z'),
    );
    return expediente;
  },
};
