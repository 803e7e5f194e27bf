import PDFDocument from 'pdfkit';
import { Registro } from '../../application/registro-de-expediente';
import { NOMBRE_DE_ESTADO } from '../../model/common';

/** Times as people in the council read them; the record says which zone. */
const ZONA = 'Europe/Madrid';
const fechaHora = new Intl.DateTimeFormat('es-ES', {
  timeZone: ZONA,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const cuando = (instante: string | null): string =>
  instante === null ? '—' : fechaHora.format(new Date(instante));

const tamano = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * The record of an expediente as a PDF (A4, the standard Helvetica, which covers Spanish):
 * its data, phase history, documents with every version's SHA-256, comments and audit trail.
 * Made as it is read: the caller pipes it to the answer.
 */
export function registroPdf(registro: Registro): PDFKit.PDFDocument {
  const { expediente: e, historial, nombres, emitidoAt } = registro;
  const quien = (username: string | null): string =>
    username === null
      ? '—'
      : nombres.has(username)
        ? `${nombres.get(username)} (${username})`
        : username;
  const pdf = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `Expediente ${e.codigo}`, Subject: 'Registro del expediente' },
  });
  const titulo = (texto: string) =>
    pdf.moveDown(0.8).font('Helvetica-Bold').fontSize(13).text(texto).moveDown(0.3);
  const dato = (nombre: string, valor: string) =>
    pdf
      .font('Helvetica-Bold')
      .fontSize(10)
      .text(`${nombre}: `, { continued: true })
      .font('Helvetica')
      .text(valor);
  const linea = (texto: string, sangria = 0) =>
    pdf.font('Helvetica').fontSize(10).text(texto, { indent: sangria });

  pdf.font('Helvetica-Bold').fontSize(18).text(`Expediente ${e.codigo}`);
  pdf
    .font('Helvetica')
    .fontSize(9)
    .fillColor('#555')
    .text(
      `Registro emitido el ${cuando(emitidoAt.toISOString())} (horas de ${ZONA}); versión ${e.version} del expediente`,
    )
    .fillColor('black');

  titulo('Datos');
  dato('Descripción', e.descripcion || '—');
  dato('Opción inicial', e.opcionInicialNombre);
  dato('Estado', NOMBRE_DE_ESTADO[e.estado]);
  dato('Fase', e.fase?.nombre ?? '—');
  dato('Creado', `${cuando(e.creadoAt)} por ${quien(e.creadoPor)}`);
  dato('Última actualización', `${cuando(e.actualizadoAt)} por ${quien(e.actualizadoPor)}`);
  dato('Asignado a', e.asignadoA === null ? 'Sin asignar' : quien(e.asignadoA));
  if (e.rechazo) dato('Creación rechazada', e.rechazo.motivo);

  titulo('Historial de fases');
  for (const paso of e.historialDeFases) {
    linea(
      `${paso.fase.nombre}: desde el ${cuando(paso.entradaAt)}, por ${quien(paso.entradaPor)}` +
        (paso.fase.final || paso.salidaAt === null
          ? ''
          : `; hasta el ${cuando(paso.salidaAt)}, por ${quien(paso.salidaPor)}`),
    );
    if (paso.motivo) linea(`Motivo: ${paso.motivo}`, 15);
  }

  titulo('Documentos');
  if (e.documentos.length === 0) linea('Ninguno');
  for (const documento of e.documentos) {
    pdf.font('Helvetica-Bold').fontSize(10).text(documento.nombre);
    for (const version of documento.versiones) {
      linea(
        `Versión ${version.version}: ${version.nombre}, ${tamano(version.size)}, ${version.mediaType}, subida el ${cuando(version.subidoAt)} por ${quien(version.subidoPor)}`,
        15,
      );
      pdf.font('Courier').fontSize(8).text(`SHA-256 ${version.sha256}`, { indent: 15 });
    }
  }

  titulo('Comentarios');
  if (e.comentarios.length === 0) linea('Ninguno');
  for (const comentario of e.comentarios) {
    pdf
      .font('Helvetica-Bold')
      .fontSize(10)
      .text(`${quien(comentario.por)}, ${cuando(comentario.at)}`);
    linea(comentario.texto, 15);
  }

  titulo('Cambios (auditoría)');
  for (const entrada of historial.entradas) {
    linea(`${cuando(entrada.ocurridoAt)} · ${quien(entrada.usuario)} · ${entrada.resumen}`);
  }
  pdf.end();
  return pdf;
}
