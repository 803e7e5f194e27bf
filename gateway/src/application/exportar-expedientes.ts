import { NOMBRE_DE_ESTADO, NOMBRE_DE_OPCION_INICIAL } from '../model/common';
import { PaginaDeExpedientes } from '../model/expedientes';
import { CallContext } from '../ports/caller';
import { CriteriosDeLista, ExpedientesApi } from '../ports/expedientes-api';

type Expediente = PaginaDeExpedientes['items'][number];

/** Rows asked of the list at a time. */
const FILAS_POR_PAGINA = 100;

const COLUMNAS: ReadonlyArray<readonly [string, (expediente: Expediente) => string]> = [
  ['Código', (e) => e.codigo],
  ['Opción inicial', (e) => NOMBRE_DE_OPCION_INICIAL[e.opcionInicial] ?? e.opcionInicial],
  ['Descripción', (e) => e.descripcion],
  ['Estado', (e) => NOMBRE_DE_ESTADO[e.estado]],
  ['Fase', (e) => e.fase?.nombre ?? ''],
  ['Creado', (e) => e.creadoAt],
  ['Creado por', (e) => e.creadoPor],
  ['Actualizado', (e) => e.actualizadoAt],
  ['Asignado a', (e) => e.asignadoA ?? ''],
  ['Vence el', (e) => e.plazo?.vencimiento ?? ''],
  ['Plazo', (e) => (e.plazo ? NOMBRE_DE_ESTADO_DEL_PLAZO[e.plazo.estado] : '')],
];

const NOMBRE_DE_ESTADO_DEL_PLAZO: Record<NonNullable<Expediente['plazo']>['estado'], string> = {
  'en-plazo': 'En plazo',
  proximo: 'Vence pronto',
  vencido: 'Vencido',
};

/**
 * One cell for a spreadsheet: quoted where it holds the separator, a quote or a line break,
 * and never read as a formula (a leading `=`, `+`, `-`, `@` is kept as text with a `'`).
 */
export function celda(valor: string): string {
  const texto = /^[=+\-@\t\r]/.test(valor) ? `'${valor}` : valor;
  return /[;"\r\n]/.test(texto) ? `"${texto.replace(/"/g, '""')}"` : texto;
}

const fila = (valores: readonly string[]): string => `${valores.map(celda).join(';')}\r\n`;

/**
 * The list, with its filters and order, as CSV for spreadsheets (UTF-8 with a BOM, `;`
 * between cells, CRLF): the first page is read before anything is answered, so a refusal is
 * still a problem; then page after page, as the client takes them. Pages are read as the
 * list is then: sorted by creation, oldest first (the default here), rows added meanwhile
 * only add at the end.
 */
export async function exportarExpedientes(
  expedientes: ExpedientesApi,
  criterios: Omit<CriteriosDeLista, 'page' | 'pageSize'>,
  call: CallContext,
  filasPorPagina = FILAS_POR_PAGINA,
): Promise<AsyncIterable<string>> {
  const ordenados = { sort: 'creadoAt', order: 'asc', ...criterios } as const;
  const pagina = (page: number) =>
    expedientes.list({ ...ordenados, page, pageSize: filasPorPagina }, call);
  const primera = await pagina(1);
  return (async function* () {
    yield `\uFEFF${fila(COLUMNAS.map(([nombre]) => nombre))}`;
    let actual = primera;
    for (let page = 1; ; page += 1) {
      for (const expediente of actual.items) yield fila(COLUMNAS.map(([, de]) => de(expediente)));
      if (actual.items.length < filasPorPagina) return;
      actual = await pagina(page + 1);
    }
  })();
}
