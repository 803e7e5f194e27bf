/** How the viewer shows a document: as a PDF, an image or text; null when it only downloads. */
export type VistaPrevia = 'pdf' | 'imagen' | 'texto';

/**
 * The types the API shows inline (GET /documents/{id}/preview): its type as documents detected
 * it from the bytes at upload. Any other (HTML, SVG, office files) is only downloaded.
 */
const vistas: Readonly<Record<string, VistaPrevia>> = {
  'application/pdf': 'pdf',
  'image/png': 'imagen',
  'image/jpeg': 'imagen',
  'image/gif': 'imagen',
  'image/webp': 'imagen',
  'text/plain': 'texto',
};

export function vistaPreviaDe(mediaType: string): VistaPrevia | null {
  const esencia = mediaType.split(';')[0].trim().toLowerCase();
  return Object.prototype.hasOwnProperty.call(vistas, esencia) ? vistas[esencia] : null;
}
