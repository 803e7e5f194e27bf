import { randomUUID } from 'node:crypto';
import { type ContenidoSubido, Documento } from '../../../src/domain/documento';

export const T0 = new Date('2030-03-01T09:00:00.000Z');

export const ContenidoMother = {
  de(overrides: Partial<ContenidoSubido> = {}): ContenidoSubido {
    return {
      nombre: 'solicitud.pdf',
      contentId: `content-${randomUUID()}`,
      mediaType: 'application/pdf',
      size: 1024,
      sha256: 'a'.repeat(64),
      subidoPor: 'ana',
      ...overrides,
    };
  },
};

export const DocumentoMother = {
  /** A staged upload with one version, uploaded at `at`. */
  pendiente(overrides: { id?: string; at?: Date; contenido?: Partial<ContenidoSubido> } = {}) {
    return Documento.subir(
      overrides.id ?? `doc-${randomUUID()}`,
      ContenidoMother.de(overrides.contenido),
      overrides.at ?? T0,
    );
  },

  /** A document that `expedienteId` has claimed. */
  registradoEn(expedienteId: string, overrides: { id?: string; at?: Date } = {}) {
    const documento = DocumentoMother.pendiente(overrides);
    documento.registrarEn(expedienteId);
    return documento;
  },
};
