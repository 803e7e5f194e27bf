import { DetectorDeTipoDeContenido, tiposDeContenido } from '../../src/domain/tipo-de-contenido';
import * as contenidos from './mothers/contenidos';

/** What the detector says of `bytes` handed over in pieces of `size`. */
function detectar(bytes: Buffer, size = 7): string {
  const detector = new DetectorDeTipoDeContenido();
  for (let at = 0; at < bytes.length; at += size) detector.observar(bytes.subarray(at, at + size));
  return detector.tipo();
}

describe('DetectorDeTipoDeContenido', () => {
  it.each([
    ['a PDF', contenidos.pdf(), tiposDeContenido.pdf],
    ['a PNG', contenidos.png(), tiposDeContenido.png],
    ['a JPEG', contenidos.jpeg(), tiposDeContenido.jpeg],
    ['a GIF', contenidos.gif(), tiposDeContenido.gif],
    ['a WebP', contenidos.webp(), tiposDeContenido.webp],
    ['a Word document', contenidos.docx(), tiposDeContenido.docx],
    ['an Excel workbook', contenidos.xlsx(), tiposDeContenido.xlsx],
    ['a PowerPoint presentation', contenidos.pptx(), tiposDeContenido.pptx],
    ['an OpenDocument text', contenidos.odf('text'), 'application/vnd.oasis.opendocument.text'],
    [
      'an OpenDocument spreadsheet',
      contenidos.odf('spreadsheet'),
      'application/vnd.oasis.opendocument.spreadsheet',
    ],
    ['another ZIP', contenidos.zip([{ nombre: 'a.txt', contenido: 'a' }]), tiposDeContenido.zip],
    ['UTF-8 text', contenidos.texto(), tiposDeContenido.texto],
    ['XML, with a byte order mark', contenidos.xml(), tiposDeContenido.xml],
  ])('recognises %s from its bytes, even split in small pieces', (_what, bytes, tipo) => {
    expect(detectar(bytes)).toBe(tipo);
    expect(detectar(bytes, 1)).toBe(tipo);
  });

  it.each([
    ['empty content', Buffer.alloc(0)],
    ['bytes of no known kind', Buffer.from([0x00, 0x01, 0x02, 0xfe, 0xff])],
    ['Latin-1 text (not UTF-8)', Buffer.from('Informe t\xe9cnico', 'latin1')],
    ['text with control characters', Buffer.from('texto\u0000con nulos')],
    ['text with a DEL', Buffer.from('texto\u007fcon borrado')],
    ['text with an escape', Buffer.from('texto\u001bcon escape')],
    ['a UTF-8 sequence cut at the end', contenidos.texto().subarray(0, -2)],
    ['RIFF that is not WebP', Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVEfmt ')])],
  ])('answers application/octet-stream for %s', (_what, bytes) => {
    expect(detectar(bytes)).toBe(tiposDeContenido.desconocido);
  });

  it.each([
    [
      'an SVG',
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      tiposDeContenido.texto,
    ],
    ['an SVG with its XML prolog', '<?xml version="1.0"?><svg/>', tiposDeContenido.xml],
    [
      'an HTML page',
      '<!DOCTYPE html><html><script>alert(1)</script></html>',
      tiposDeContenido.texto,
    ],
  ])('takes %s for the text it is, never an image nor a page', (_what, markup, tipo) => {
    expect(detectar(Buffer.from(markup))).toBe(tipo);
  });

  it('takes tabs, line and form feeds and returns for text', () => {
    expect(detectar(Buffer.from('a\tb\nc\fd\r\ne'))).toBe(tiposDeContenido.texto);
  });

  it('judges text by all of it, not only the head', () => {
    const larga = Buffer.concat([Buffer.alloc(200 * 1024, 'a'), Buffer.from([0xff])]);
    expect(detectar(larga, 64 * 1024)).toBe(tiposDeContenido.desconocido);
    expect(detectar(Buffer.alloc(200 * 1024, 'a'), 64 * 1024)).toBe(tiposDeContenido.texto);
  });

  it('ignores a mimetype entry that names no OpenDocument type', () => {
    const falso = contenidos.zip([{ nombre: 'mimetype', contenido: 'text/html' }]);
    expect(detectar(falso)).toBe(tiposDeContenido.zip);
  });

  it('keeps its own copy of the head, whatever the source does with its buffers', () => {
    const detector = new DetectorDeTipoDeContenido();
    const buffer = Buffer.from(contenidos.png());
    detector.observar(buffer);
    buffer.fill(0x41); // a source reusing its buffer for the next piece
    expect(detector.tipo()).toBe(tiposDeContenido.png);
  });
});
