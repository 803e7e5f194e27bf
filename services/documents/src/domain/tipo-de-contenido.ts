/**
 * The media type of a document, detected from its bytes (magic numbers, the names inside a ZIP,
 * UTF-8 validity), never taken from what the client says it sent.
 */
export const tiposDeContenido = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  zip: 'application/zip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  xml: 'application/xml',
  texto: 'text/plain; charset=utf-8',
  desconocido: 'application/octet-stream',
} as const;

/** Enough of the start to hold the magic numbers and a ZIP's first entries. */
const CABECERA = 64 * 1024;

const ascii = (texto: string): number[] => [...texto].map((letra) => letra.charCodeAt(0));

/** Each signature: the bytes expected at given offsets. */
const firmas: ReadonlyArray<{ readonly tipo: string; readonly partes: [number, number[]][] }> = [
  { tipo: tiposDeContenido.pdf, partes: [[0, ascii('%PDF-')]] },
  { tipo: tiposDeContenido.png, partes: [[0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]]] },
  { tipo: tiposDeContenido.jpeg, partes: [[0, [0xff, 0xd8, 0xff]]] },
  { tipo: tiposDeContenido.gif, partes: [[0, ascii('GIF87a')]] },
  { tipo: tiposDeContenido.gif, partes: [[0, ascii('GIF89a')]] },
  {
    tipo: tiposDeContenido.webp,
    partes: [
      [0, ascii('RIFF')],
      [8, ascii('WEBP')],
    ],
  },
  { tipo: tiposDeContenido.zip, partes: [[0, ascii('PK\x05\x06')]] }, // an empty archive
];

const ENTRADA_ZIP = ascii('PK\x03\x04');

const empiezaCon = (bytes: Uint8Array, firma: readonly number[], en = 0): boolean =>
  bytes.length >= en + firma.length && firma.every((byte, i) => bytes[en + i] === byte);

const uint16 = (bytes: Uint8Array, en: number): number => bytes[en] | (bytes[en + 1] << 8);
const uint32 = (bytes: Uint8Array, en: number): number =>
  uint16(bytes, en + 2) * 0x10000 + uint16(bytes, en);
const latin1 = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

interface EntradaZip {
  readonly nombre: string;
  /** The entry's bytes when stored uncompressed and whole in the head; empty otherwise. */
  readonly contenido: Uint8Array;
}

/**
 * The local file headers found in the head. Scanning for their signature, rather than walking
 * from one to the next, also finds those after an entry whose size is only in a trailing
 * descriptor.
 */
function entradasZip(cabecera: Uint8Array): EntradaZip[] {
  const entradas: EntradaZip[] = [];
  for (
    let en = cabecera.indexOf(0x50);
    en >= 0 && en + 30 <= cabecera.length;
    en = cabecera.indexOf(0x50, en + 1)
  ) {
    if (!empiezaCon(cabecera, ENTRADA_ZIP, en)) continue;
    const largoNombre = uint16(cabecera, en + 26);
    const inicioDatos = en + 30 + largoNombre + uint16(cabecera, en + 28);
    const sinComprimir = uint16(cabecera, en + 8) === 0;
    const finDatos = inicioDatos + uint32(cabecera, en + 18);
    entradas.push({
      nombre: latin1(cabecera.subarray(en + 30, en + 30 + largoNombre)),
      contenido:
        sinComprimir && finDatos <= cabecera.length
          ? cabecera.subarray(inicioDatos, finDatos)
          : new Uint8Array(0),
    });
  }
  return entradas;
}

const ODF = /^application\/vnd\.oasis\.opendocument\.[a-z.-]+$/;

/** Office documents are ZIPs: OpenDocument names its type in a first `mimetype` entry, OOXML by its folders. */
function tipoDeZip(cabecera: Uint8Array): string {
  const entradas = entradasZip(cabecera);
  const primera = entradas[0];
  // A media type is short: a longer entry is not one, and need not be read.
  const mimetype = primera?.nombre === 'mimetype' && primera.contenido.length <= 100;
  if (mimetype && ODF.test(latin1(primera.contenido))) {
    return latin1(primera.contenido);
  }
  const nombres = entradas.map((entrada) => entrada.nombre);
  if (nombres.some((nombre) => nombre.startsWith('word/'))) return tiposDeContenido.docx;
  if (nombres.some((nombre) => nombre.startsWith('xl/'))) return tiposDeContenido.xlsx;
  if (nombres.some((nombre) => nombre.startsWith('ppt/'))) return tiposDeContenido.pptx;
  return tiposDeContenido.zip;
}

/** Text that declares itself XML, after an optional byte order mark and blanks. */
const esXml = (cabecera: Uint8Array): boolean =>
  latin1(cabecera.subarray(0, 256))
    .replace(/^\u00ef\u00bb\u00bf/, '')
    .trimStart()
    .startsWith('<?xml');

/** 1 for the bytes no text has: the control characters but tab, line and form feed, return. */
const CONTROLES = Uint8Array.from({ length: 256 }, (_, byte) =>
  byte === 0x7f || (byte < 0x20 && ![0x09, 0x0a, 0x0c, 0x0d].includes(byte)) ? 1 : 0,
);

/**
 * Whether it holds a control byte. Every byte of a text upload goes through here: an indexed
 * loop over a table is several times faster than iterating the array.
 */
function tieneControles(trozo: Uint8Array): boolean {
  for (let i = 0; i < trozo.length; i++) {
    if (CONTROLES[trozo[i]] === 1) return true;
  }
  return false;
}

/**
 * Watches content go by, piece by piece, and says its media type at the end. It keeps only the
 * head; whether the content is text is checked over all of it, as it streams.
 */
export class DetectorDeTipoDeContenido {
  private readonly trozos: Uint8Array[] = [];
  private enCabecera = 0;
  private total = 0;
  private decodificador: InstanceType<typeof TextDecoder> | null = new TextDecoder('utf-8', {
    fatal: true,
  });

  observar(trozo: Uint8Array): void {
    this.total += trozo.length;
    if (this.enCabecera < CABECERA) {
      const parte = trozo.subarray(0, CABECERA - this.enCabecera);
      this.trozos.push(new Uint8Array(parte)); // a copy: the source may reuse its buffer
      this.enCabecera += parte.length;
    }
    if (this.decodificador && !this.siguePareciendoTexto(trozo)) this.decodificador = null;
  }

  tipo(): string {
    if (this.total === 0) return tiposDeContenido.desconocido;
    const cabecera = this.cabecera();
    const firma = firmas.find(({ partes }) =>
      partes.every(([en, bytes]) => empiezaCon(cabecera, bytes, en)),
    );
    if (firma) return firma.tipo;
    if (empiezaCon(cabecera, ENTRADA_ZIP)) return tipoDeZip(cabecera);
    if (this.esTexto()) return esXml(cabecera) ? tiposDeContenido.xml : tiposDeContenido.texto;
    return tiposDeContenido.desconocido;
  }

  private siguePareciendoTexto(trozo: Uint8Array): boolean {
    if (tieneControles(trozo)) return false;
    try {
      this.decodificador?.decode(trozo, { stream: true });
      return true;
    } catch {
      return false;
    }
  }

  /** Valid UTF-8 to the last byte (a sequence cut at the end is not). */
  private esTexto(): boolean {
    if (!this.decodificador) return false;
    try {
      this.decodificador.decode();
      return true;
    } catch {
      return false;
    }
  }

  private cabecera(): Uint8Array {
    const cabecera = new Uint8Array(this.enCabecera);
    let en = 0;
    for (const trozo of this.trozos) {
      cabecera.set(trozo, en);
      en += trozo.length;
    }
    return cabecera;
  }
}
