/**
 * The new expediente's form kept across a trip to the login (the session ended while it was
 * being filled in): its fields and the names and sizes of its files, never their bytes, in
 * this tab's sessionStorage.
 */
export interface Borrador {
  readonly codigo: string;
  readonly opcionInicial: string;
  readonly descripcion: string;
  readonly archivos: ReadonlyArray<{ readonly nombre: string; readonly tamano: number }>;
}

/** The part of Storage the draft uses (so tests can stand in for sessionStorage). */
export type Almacen = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export const CLAVE_DEL_BORRADOR = 'expedientes.nuevo.borrador';

const almacenDeLaPestana = (): Almacen => window.sessionStorage;

const esTexto = (value: unknown): value is string => typeof value === 'string';

/** What was stored, if it still has the draft's shape (another version may have written it). */
function comoBorrador(value: unknown): Borrador | null {
  if (typeof value !== 'object' || value === null) return null;
  const { codigo, opcionInicial, descripcion, archivos } = value as Record<string, unknown>;
  if (!esTexto(codigo) || !esTexto(opcionInicial) || !esTexto(descripcion)) return null;
  if (!Array.isArray(archivos)) return null;
  const validos = archivos.filter(
    (archivo): archivo is Borrador['archivos'][number] =>
      typeof archivo === 'object' &&
      archivo !== null &&
      esTexto((archivo as { nombre?: unknown }).nombre) &&
      typeof (archivo as { tamano?: unknown }).tamano === 'number',
  );
  return {
    codigo,
    opcionInicial,
    descripcion,
    archivos: validos.map(({ nombre, tamano }) => ({ nombre, tamano })),
  };
}

/** The draft of the form as it is now, with its files' names and sizes. */
export const borradorDe = (
  campos: Omit<Borrador, 'archivos'>,
  files: readonly File[],
): Borrador => ({
  codigo: campos.codigo,
  opcionInicial: campos.opcionInicial,
  descripcion: campos.descripcion,
  archivos: files.map((file) => ({ nombre: file.name, tamano: file.size })),
});

/** Keeps the draft; a storage that refuses (full, disabled) only loses it. */
export function guardarBorrador(borrador: Borrador, almacen?: Almacen): void {
  try {
    (almacen ?? almacenDeLaPestana()).setItem(CLAVE_DEL_BORRADOR, JSON.stringify(borrador));
  } catch {
    // Leaving for the login must not fail for it.
  }
}

/** The kept draft, or null when there is none (or it cannot be read). */
export function leerBorrador(almacen?: Almacen): Borrador | null {
  try {
    const texto = (almacen ?? almacenDeLaPestana()).getItem(CLAVE_DEL_BORRADOR);
    return texto === null ? null : comoBorrador(JSON.parse(texto));
  } catch {
    return null;
  }
}

/** Drops the draft: the expediente was created, or the user gave it up. */
export function olvidarBorrador(almacen?: Almacen): void {
  try {
    (almacen ?? almacenDeLaPestana()).removeItem(CLAVE_DEL_BORRADOR);
  } catch {
    // Nothing kept, nothing to drop.
  }
}
