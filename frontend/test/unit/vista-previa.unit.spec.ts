import { vistaPreviaDe } from '../../src/vista-previa';

describe('which documents the viewer shows, and how', () => {
  it.each([
    ['application/pdf', 'pdf'],
    ['image/png', 'imagen'],
    ['image/jpeg', 'imagen'],
    ['image/gif', 'imagen'],
    ['image/webp', 'imagen'],
    ['text/plain; charset=utf-8', 'texto'],
  ])('shows %s as %s', (mediaType, vista) => {
    expect(vistaPreviaDe(mediaType)).toBe(vista);
  });

  it.each([
    'image/svg+xml',
    'text/html',
    'application/xml',
    'application/vnd.oasis.opendocument.text',
    'application/octet-stream',
    'toString',
  ])('only downloads %s', (mediaType) => {
    expect(vistaPreviaDe(mediaType)).toBeNull();
  });
});
