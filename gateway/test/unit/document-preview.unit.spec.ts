import { previewOf } from '../../src/api/document-preview';

describe('previewOf: what the browser is given to show', () => {
  it.each([
    ['application/pdf', 'application/pdf'],
    ['image/png', 'image/png'],
    ['image/jpeg', 'image/jpeg'],
    ['image/gif', 'image/gif'],
    ['image/webp', 'image/webp'],
    ['text/plain; charset=utf-8', 'text/plain; charset=utf-8'],
    ['Text/Plain', 'text/plain; charset=utf-8'],
  ])('shows %s, as %s', (mediaType, contentType) => {
    expect(previewOf(mediaType)?.contentType).toBe(contentType);
  });

  it.each([
    'image/svg+xml',
    'text/html',
    'application/xml',
    'application/xhtml+xml',
    'text/javascript',
    'application/zip',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/octet-stream',
    'constructor',
    '',
    undefined,
  ])('only downloads %s', (mediaType) => {
    expect(previewOf(mediaType)).toBeNull();
  });

  it('lets no script run, and sandboxes all but PDFs (which Chromium would not show)', () => {
    for (const mediaType of ['image/png', 'text/plain']) {
      const policy = previewOf(mediaType)?.contentSecurityPolicy;
      expect(policy).toMatch(/^sandbox; default-src 'none'/);
      expect(policy).not.toMatch(/script-src|allow-scripts/);
    }
    const pdf = previewOf('application/pdf')?.contentSecurityPolicy;
    expect(pdf).toMatch(/^default-src 'none'; object-src 'self'/);
    expect(pdf).not.toMatch(/sandbox|script-src/);
  });
});
