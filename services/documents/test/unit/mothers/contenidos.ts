import { Readable } from 'node:stream';

/** Content of each kind the detector knows, as small as will pass for it. */
export const png = (): Buffer =>
  Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.from('0000000d49484452000000010000000108060000001f15c489', 'hex'),
    Buffer.alloc(64, 0x01),
  ]);
export const pdf = (): Buffer =>
  Buffer.concat([
    Buffer.from('%PDF-1.7\n%'),
    Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]),
    Buffer.from('\n1 0 obj\n'),
  ]);
export const jpeg = (): Buffer => Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]);
export const gif = (): Buffer => Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(10)]);
export const webp = (): Buffer =>
  Buffer.concat([
    Buffer.from('RIFF'),
    Buffer.from([0x24, 0, 0, 0]),
    Buffer.from('WEBPVP8 '),
    Buffer.alloc(8),
  ]);
export const texto = (): Buffer => Buffer.from('Informe técnico\nLínea dos: €, ñ, 日本\n', 'utf8');
export const xml = (): Buffer =>
  Buffer.from('\ufeff  <?xml version="1.0" encoding="UTF-8"?>\n<expediente/>\n', 'utf8');

export interface EntradaZip {
  readonly nombre: string;
  readonly contenido: Buffer | string;
}

/** A ZIP archive with its entries stored uncompressed, as the detector sees office files. */
export function zip(entradas: readonly EntradaZip[]): Buffer {
  const partes = entradas.flatMap(({ nombre, contenido }) => {
    const datos = Buffer.from(contenido);
    const nombreEnBytes = Buffer.from(nombre);
    const cabecera = Buffer.alloc(30);
    cabecera.write('PK\x03\x04', 0, 'latin1');
    cabecera.writeUInt16LE(20, 4); // version needed
    cabecera.writeUInt32LE(datos.length, 18); // compressed size
    cabecera.writeUInt32LE(datos.length, 22); // uncompressed size
    cabecera.writeUInt16LE(nombreEnBytes.length, 26);
    return [cabecera, nombreEnBytes, datos];
  });
  const fin = Buffer.alloc(22);
  fin.write('PK\x05\x06', 0, 'latin1');
  return Buffer.concat([...partes, fin]);
}

export const docx = (): Buffer =>
  zip([
    { nombre: '[Content_Types].xml', contenido: '<Types/>' },
    { nombre: '_rels/.rels', contenido: '<Relationships/>' },
    { nombre: 'word/document.xml', contenido: '<w:document/>' },
  ]);
export const xlsx = (): Buffer =>
  zip([
    { nombre: '[Content_Types].xml', contenido: '<Types/>' },
    { nombre: 'xl/workbook.xml', contenido: '<workbook/>' },
  ]);
export const pptx = (): Buffer =>
  zip([
    { nombre: '[Content_Types].xml', contenido: '<Types/>' },
    { nombre: 'ppt/presentation.xml', contenido: '<p/>' },
  ]);
export const odf = (tipo: string): Buffer =>
  zip([
    { nombre: 'mimetype', contenido: `application/vnd.oasis.opendocument.${tipo}` },
    { nombre: 'content.xml', contenido: '<office:document-content/>' },
  ]);

/** Bytes as a stream of pieces of `size`, as a socket would hand them over. */
export const enTrozos = (bytes: Buffer, size = 7): Readable =>
  Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
    })(),
  );
