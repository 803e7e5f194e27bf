import { randomUUID } from 'node:crypto';
import { ExpedienteSearchIndex, IndexUpdate } from '../../src/domain/expediente-search-index';
import { DatosDeExpediente, IndexedExpediente } from '../../src/domain/indexed-expediente';
import { SearchFilters, SearchPage, searchTerms } from '../../src/domain/search';
import { fases } from '../mothers/expediente-history.mother';

export interface IndexUnderTest {
  readonly index: ExpedienteSearchIndex;
  dispose(): Promise<void>;
}

const entry = (
  datos: Partial<DatosDeExpediente> &
    Pick<DatosDeExpediente, 'codigo' | 'descripcion' | 'creadoAt'>,
  documentos: readonly string[] = [],
): IndexedExpediente => ({
  expedienteId: randomUUID(),
  datos: {
    opcionInicial: 'SEDE_ELECTRONICA',
    fase: { codigo: fases.inicial.codigo, nombre: fases.inicial.nombre },
    estado: 'abierto',
    creadoPor: 'ana.tramitadora',
    ...datos,
  },
  documentos: documentos.map((nombre) => ({ documentId: randomUUID(), nombre, version: 1 })),
  actualizadoAt: datos.creadoAt,
});

const faseOf = ({ codigo, nombre }: { codigo: string; nombre: string }) => ({ codigo, nombre });

/** A few expedientes with their words, states and dates set so that each search finds some. */
const dataset = {
  pozo: entry(
    {
      codigo: 'EXP-2024-000101',
      descripcion: 'Solicitud de análisis del agua del pozo municipal',
      fase: faseOf(fases.analisisTecnico),
      creadoAt: '2024-02-01T09:30:00.000Z',
    },
    ['Informe hidrológico.pdf'],
  ),
  obraMenor: entry(
    {
      codigo: 'EXP-2024-000102',
      descripcion: 'Licencia de obra menor en la calle Mayor',
      opcionInicial: 'PETICION_DEPARTAMENTO',
      fase: null,
      estado: 'pendiente',
      creadoAt: '2024-02-10T00:00:00.000Z',
    },
    ['Plano de la fachada.pdf', 'Presupuesto.pdf'],
  ),
  obraMayor: entry(
    {
      codigo: 'EXP-2024-000103',
      descripcion: 'Obra mayor: análisis estructural del edificio',
      fase: faseOf(fases.finalizado),
      estado: 'finalizado',
      creadoAt: '2024-03-05T12:00:00.000Z',
    },
    ['Memoria técnica.pdf'],
  ),
  web: entry({
    codigo: 'EXP-2024-000104',
    descripcion: 'Subvención para la web www del ayuntamiento',
    opcionInicial: 'PETICION_DEPARTAMENTO',
    fase: null,
    estado: 'rechazado',
    creadoAt: '2024-03-20T08:00:00.000Z',
  }),
  analisis: entry({
    codigo: 'EXP-2023-000999',
    descripcion: 'Análisis, análisis y más análisis',
    fase: faseOf(fases.validacion),
    creadoAt: '2023-12-31T23:59:00.000Z',
  }),
};
type Name = keyof typeof dataset;
const nameOf = new Map(Object.entries(dataset).map(([name, view]) => [view.expedienteId, name]));

/** Known only by a document uploaded into it: no search may show it. */
const onlyDocuments: IndexedExpediente = {
  expedienteId: randomUUID(),
  datos: null,
  documentos: [{ documentId: randomUUID(), nombre: 'Análisis suelto.pdf', version: 1 }],
  actualizadoAt: '2024-01-01T00:00:00.000Z',
};

/**
 * What every store of the search index must do: apply each message once per generation,
 * start generations empty, and find expedientes by words (prefixes, any accents, any case)
 * and filters, most relevant first, then newest first, a page at a time.
 */
export function expedienteSearchIndexContract(open: () => Promise<IndexUnderTest>): void {
  let subject: IndexUnderTest;
  let index: ExpedienteSearchIndex;

  beforeEach(async () => {
    subject = await open();
    index = subject.index;
  });

  afterEach(() => subject.dispose());

  /** One update on its own: its outcome. */
  const updateOne = async (update: IndexUpdate) => (await index.update([update]))[0];

  const put = (view: IndexedExpediente, generation = 1) =>
    updateOne({
      generation,
      messageId: randomUUID(),
      expedienteId: view.expedienteId,
      change: () => view,
    });

  const search = (
    text?: string,
    filters: SearchFilters = {},
    page = 1,
    pageSize = 20,
  ): Promise<SearchPage> => index.search({ terms: searchTerms(text), filters, page, pageSize });

  const names = async (text?: string, filters: SearchFilters = {}): Promise<Name[]> =>
    (await search(text, filters)).hits.map(
      ({ expediente }) => nameOf.get(expediente.expedienteId) as Name,
    );

  describe('updates', () => {
    const view = dataset.pozo;

    it('starts at generation 1, empty', async () => {
      expect(await index.currentGeneration()).toBe(1);
      expect(await index.find(view.expedienteId)).toBeNull();
    });

    it('applies a message once: a redelivery changes nothing', async () => {
      const messageId = randomUUID();
      const change = jest.fn(() => view);
      const update = { generation: 1, messageId, expedienteId: view.expedienteId, change };

      expect(await updateOne(update)).toBe('applied');
      expect(await updateOne({ ...update, change: () => null })).toBe('duplicate');

      expect(change).toHaveBeenCalledWith(null);
      expect(await index.find(view.expedienteId)).toEqual(view);
    });

    it('hands the change the current entry and stores what it returns, text included', async () => {
      await put(view);
      const edited = { ...view, datos: { ...view.datos!, descripcion: 'Vertido al río' } };
      const change = jest.fn(() => edited);

      await updateOne({
        generation: 1,
        messageId: randomUUID(),
        expedienteId: view.expedienteId,
        change,
      });

      expect(change).toHaveBeenCalledWith(view);
      expect(await index.find(view.expedienteId)).toEqual(edited);
      expect((await search('vertido')).total).toBe(1);
      expect((await search('pozo')).total).toBe(0);
    });

    it('removes the entry when the change returns nothing', async () => {
      await put(view);

      await updateOne({
        generation: 1,
        messageId: randomUUID(),
        expedienteId: view.expedienteId,
        change: () => null,
      });

      expect(await index.find(view.expedienteId)).toBeNull();
      expect((await search('pozo')).total).toBe(0);
    });

    it('refuses an update for another generation than the current one', async () => {
      expect(await put(view, 2)).toBe('stale');
      expect(await index.find(view.expedienteId)).toBeNull();
    });

    it('starts the next generation empty, where every message applies anew', async () => {
      const messageId = randomUUID();
      const update = { messageId, expedienteId: view.expedienteId, change: () => view };
      await updateOne({ ...update, generation: 1 });

      expect(await index.startNextGeneration()).toBe(2);

      expect(await index.currentGeneration()).toBe(2);
      expect(await index.find(view.expedienteId)).toBeNull();
      expect((await search()).total).toBe(0);
      expect(await updateOne({ ...update, generation: 1 })).toBe('stale');
      expect(await updateOne({ ...update, generation: 2 })).toBe('applied');
      expect(await index.find(view.expedienteId)).toEqual(view);
    });
  });

  describe('updates in a batch', () => {
    const { pozo, web } = dataset;
    const changing = (
      expedienteId: string,
      change: IndexUpdate['change'],
      messageId = randomUUID(),
    ) => ({
      generation: 1,
      messageId,
      expedienteId,
      change,
    });

    it('applies them in order, each message once, as the same updates one by one would', async () => {
      await put(web);
      const opened = changing(pozo.expedienteId, () => pozo);
      const edited = { ...pozo, datos: { ...pozo.datos!, descripcion: 'Vertido al río' } };
      const edit = jest.fn(() => edited);

      const outcomes = await index.update([
        opened,
        changing(pozo.expedienteId, edit),
        changing(web.expedienteId, () => null),
        // Published twice: the second is the same message.
        { ...opened, change: () => null },
        { ...opened, generation: 2 },
      ]);

      expect(outcomes).toEqual(['applied', 'applied', 'applied', 'duplicate', 'stale']);
      expect(edit).toHaveBeenCalledWith(pozo);
      expect(await index.find(pozo.expedienteId)).toEqual(edited);
      expect(await index.find(web.expedienteId)).toBeNull();
      expect((await search('vertido')).total).toBe(1);
      expect(await index.update([opened, changing(web.expedienteId, () => web)])).toEqual([
        'duplicate',
        'applied',
      ]);
      expect(await index.find(web.expedienteId)).toEqual(web);
    });

    it('stores an entry removed and made again within one batch as made last', async () => {
      await put(pozo);
      const again = { ...pozo, datos: { ...pozo.datos!, descripcion: 'Pozo, otra vez' } };

      await index.update([
        changing(pozo.expedienteId, () => null),
        changing(pozo.expedienteId, (current) => (current === null ? again : pozo)),
      ]);

      expect(await index.find(pozo.expedienteId)).toEqual(again);
      expect((await search('otra')).total).toBe(1);
    });
  });

  describe('searches', () => {
    beforeEach(async () => {
      for (const view of [...Object.values(dataset), onlyDocuments]) await put(view);
    });

    it('finds by the words of the description, ignoring accents and case', async () => {
      expect(await names('pozo')).toEqual(['pozo']);
      expect((await names('analisis')).sort()).toEqual(['analisis', 'obraMayor', 'pozo']);
      expect((await names('ANÁLISIS')).sort()).toEqual(['analisis', 'obraMayor', 'pozo']);
    });

    it('finds words by their beginning', async () => {
      expect(await names('estruct')).toEqual(['obraMayor']);
      expect(await names('municip')).toEqual(['pozo']);
    });

    it('finds by code, whole or in part', async () => {
      expect(await names('EXP-2024-000102')).toEqual(['obraMenor']);
      expect(await names('000103')).toEqual(['obraMayor']);
      expect((await names('exp-2023')).sort()).toEqual(['analisis']);
    });

    it('finds by the names of the documents', async () => {
      expect(await names('fachada')).toEqual(['obraMenor']);
      expect(await names('hidrologico')).toEqual(['pozo']);
      expect(await names('memoria tecnica')).toEqual(['obraMayor']);
    });

    it('finds only what has every word, skipping words of under three letters', async () => {
      expect(await names('obra análisis')).toEqual(['obraMayor']);
      expect(await names('de la obra en calle')).toEqual(['obraMenor']);
      expect(await names('obra inexistente')).toEqual([]);
    });

    it('finds words English stopword lists leave out', async () => {
      expect(await names('www')).toEqual(['web']);
    });

    it('reads search operators in the text as plain separators', async () => {
      expect(await names('+obra -menor "calle* (mayor) ~@')).toEqual(['obraMenor']);
      expect(await names('"')).toHaveLength(Object.keys(dataset).length);
    });

    it('never shows an expediente known only by its documents', async () => {
      expect(await names('suelto')).toEqual([]);
      expect((await search()).total).toBe(Object.keys(dataset).length);
    });

    it('puts the most relevant first, with a score that says so', async () => {
      const { hits } = await search('análisis');

      expect(nameOf.get(hits[0].expediente.expedienteId)).toBe('analisis');
      const scores = hits.map(({ score }) => score as number);
      expect(scores.every((score) => score > 0)).toBe(true);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      expect(scores[0]).toBeGreaterThan(scores[scores.length - 1]);
    });

    it('lists the newest first when there are no words, without a score', async () => {
      const page = await search();

      expect(page.hits.map(({ expediente }) => nameOf.get(expediente.expedienteId))).toEqual([
        'web',
        'obraMayor',
        'obraMenor',
        'pozo',
        'analisis',
      ]);
      expect(page.hits.every(({ score }) => score === null)).toBe(true);
      expect(page.hits[0].expediente).toEqual(dataset.web);
    });

    it('filters by phase, state, initial option and creation dates, both ends included', async () => {
      expect(await names(undefined, { fase: 'ANALISIS_TECNICO' })).toEqual(['pozo']);
      expect(await names(undefined, { fase: 'analisis_tecnico' })).toEqual([]);
      expect(await names(undefined, { estado: 'abierto' })).toEqual(['pozo', 'analisis']);
      expect(await names(undefined, { estado: 'pendiente' })).toEqual(['obraMenor']);
      expect(await names(undefined, { opcionInicial: 'PETICION_DEPARTAMENTO' })).toEqual([
        'web',
        'obraMenor',
      ]);
      expect(
        await names(undefined, {
          desde: new Date('2024-02-10T00:00:00.000Z'),
          hasta: new Date('2024-03-05T12:00:00.000Z'),
        }),
      ).toEqual(['obraMayor', 'obraMenor']);
      expect((await names('análisis', { estado: 'abierto' })).sort()).toEqual(['analisis', 'pozo']);
    });

    it('returns a page at a time with the total over all pages', async () => {
      const pages = await Promise.all([1, 2, 3, 4].map((page) => search(undefined, {}, page, 2)));

      expect(
        pages.map(({ hits }) => hits.map(({ expediente }) => nameOf.get(expediente.expedienteId))),
      ).toEqual([['web', 'obraMayor'], ['obraMenor', 'pozo'], ['analisis'], []]);
      expect(pages.map(({ total, page, pageSize }) => ({ total, page, pageSize }))).toEqual([
        { total: 5, page: 1, pageSize: 2 },
        { total: 5, page: 2, pageSize: 2 },
        { total: 5, page: 3, pageSize: 2 },
        { total: 5, page: 4, pageSize: 2 },
      ]);
      expect((await search('análisis', {}, 2, 2)).total).toBe(3);
    });
  });
}
