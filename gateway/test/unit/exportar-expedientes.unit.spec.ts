import { celda, exportarExpedientes } from '../../src/application/exportar-expedientes';
import { PaginaDeExpedientes } from '../../src/model/expedientes';
import { CriteriosDeLista, ExpedientesApi } from '../../src/ports/expedientes-api';

type Item = PaginaDeExpedientes['items'][number];

const item = (n: number, changes: Partial<Item> = {}): Item => ({
  id: `exp-${n}`,
  codigo: `C-${n}`,
  opcionInicial: 'SEDE_ELECTRONICA',
  descripcion: `Descripción ${n}`,
  estado: 'abierto',
  fase: { codigo: 'INICIAL', nombre: 'Fase inicial' },
  creadoAt: `2030-01-0${n}T10:00:00.000Z`,
  creadoPor: 'ana',
  actualizadoAt: `2030-01-0${n}T11:00:00.000Z`,
  asignadoA: null,
  plazo: null,
  version: 1,
  ...changes,
});

/** A list of `items` that pages as the service does, and remembers what it was asked. */
function listOf(items: Item[]) {
  const asked: CriteriosDeLista[] = [];
  const api = {
    async list(criterios: CriteriosDeLista) {
      asked.push(criterios);
      const { page = 1, pageSize = 20 } = criterios;
      const slice = items.slice((page - 1) * pageSize, page * pageSize);
      return { items: slice, total: items.length, page, pageSize };
    },
  } as unknown as ExpedientesApi;
  return { api, asked };
}

const text = async (lines: AsyncIterable<string>) => {
  let all = '';
  for await (const line of lines) all += line;
  return all;
};

const call = { token: 't', correlationId: 'c' };

describe('The list as CSV', () => {
  it('writes a BOM and the column names, then one CRLF line per expediente, page after page', async () => {
    const { api, asked } = listOf([1, 2, 3, 4, 5].map((n) => item(n)));
    const csv = await text(await exportarExpedientes(api, { estado: 'abierto' }, call, 2));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      '\uFEFFCódigo;Opción inicial;Descripción;Estado;Fase;Creado;Creado por;Actualizado;Asignado a;Vence el;Plazo',
    );
    expect(lines.slice(1, -1).map((line) => line.split(';')[0])).toEqual([
      'C-1',
      'C-2',
      'C-3',
      'C-4',
      'C-5',
    ]);
    expect(lines[1]).toBe(
      'C-1;Sede electrónica;Descripción 1;Abierto;Fase inicial;2030-01-01T10:00:00.000Z;ana;2030-01-01T11:00:00.000Z;;;',
    );
    expect(lines.at(-1)).toBe('');
    // Oldest first unless asked otherwise, with the filters kept, three pages of two.
    expect(asked.map(({ page }) => page)).toEqual([1, 2, 3]);
    expect(asked[0]).toMatchObject({ estado: 'abierto', sort: 'creadoAt', order: 'asc' });
  });

  it('writes the last day of the plazo and how it stands', async () => {
    const { api } = listOf([item(1, { plazo: { vencimiento: '2030-01-20', estado: 'proximo' } })]);
    const [, line] = (await text(await exportarExpedientes(api, {}, call, 2))).split('\r\n');
    expect(line.split(';').slice(-2)).toEqual(['2030-01-20', 'Vence pronto']);
  });

  it('asks one page more when the last one is full, and answers a header alone for none', async () => {
    const full = listOf([1, 2].map((n) => item(n)));
    await text(await exportarExpedientes(full.api, {}, call, 2));
    expect(full.asked.map(({ page }) => page)).toEqual([1, 2]);
    const none = listOf([]);
    expect(
      (await text(await exportarExpedientes(none.api, {}, call, 2))).split('\r\n'),
    ).toHaveLength(2);
  });

  it.each([
    ['plain', 'Licencia de obra', 'Licencia de obra'],
    ['the separator', 'a;b', '"a;b"'],
    ['a quote', 'dijo "sí"', '"dijo ""sí"""'],
    ['a line break', 'uno\ndos', '"uno\ndos"'],
    ['a formula', '=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['a leading minus', '-2+3', "'-2+3"],
    ['an at sign', '@SUM(A1)', "'@SUM(A1)"],
  ])('writes a cell with %s so a spreadsheet reads it as text', (_case, value, cell) => {
    expect(celda(value)).toBe(cell);
  });

  it('refuses before answering when the first page cannot be read', async () => {
    const api = {
      list: async () => {
        throw new Error('expedientes is away');
      },
    } as unknown as ExpedientesApi;
    await expect(exportarExpedientes(api, {}, call)).rejects.toThrow('expedientes is away');
  });
});
