/**
 * Which documents the browser is given to show, and under what policy. The type comes from
 * documents, which detects it from the bytes at upload (never what the uploader declared), and
 * only these exact types are ever sent inline: HTML, SVG, XML and the rest only download.
 */
export interface DocumentPreview {
  readonly contentType: string;
  readonly contentSecurityPolicy: string;
}

/**
 * Images and text: an opaque origin where nothing runs (`sandbox`), nothing is loaded but the
 * image itself, and the browser's own inline styles for its image and text views.
 */
const SANDBOXED = [
  'sandbox',
  "default-src 'none'",
  "img-src 'self'",
  "style-src 'unsafe-inline'",
  "frame-ancestors 'self'",
].join('; ');

/**
 * PDFs: Chromium's viewer refuses a document with `sandbox` (or in a sandboxed frame), and needs
 * `object-src` for the viewer and inline styles for the page that holds it. No script source is
 * allowed; the viewer runs the PDF in its own process, away from this origin.
 */
const PDF = [
  "default-src 'none'",
  "object-src 'self'",
  "style-src 'unsafe-inline'",
  "frame-ancestors 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const previews = new Map<string, DocumentPreview>([
  ['application/pdf', { contentType: 'application/pdf', contentSecurityPolicy: PDF }],
  ...['image/png', 'image/jpeg', 'image/gif', 'image/webp'].map(
    (image): [string, DocumentPreview] => [
      image,
      { contentType: image, contentSecurityPolicy: SANDBOXED },
    ],
  ),
  // Detected as text only when it is valid UTF-8 throughout.
  ['text/plain', { contentType: 'text/plain; charset=utf-8', contentSecurityPolicy: SANDBOXED }],
]);

/** How content of `mediaType` is shown in the browser; null when it is only downloaded. */
export function previewOf(mediaType: string | undefined): DocumentPreview | null {
  const essence = mediaType?.split(';')[0].trim().toLowerCase() ?? '';
  return previews.get(essence) ?? null;
}
