import { ForbiddenError, silentLogger, topics } from '@expedientes/shared-kernel';
import {
  IndexingOutcome,
  SearchIndexer,
} from '../../src/application/index-expedientes/search-indexer';
import { RebuildSearchIndex } from '../../src/application/rebuild-index/rebuild-search-index';
import { SearchExpedientes } from '../../src/application/search-expedientes/search-expedientes';
import { InMemoryExpedienteSearchIndex } from '../fakes/in-memory-expediente-search-index';
import { RecordingMessageBus } from '../fakes/recording-message-bus';
import {
  documentoMother,
  ExpedienteHistory,
  fases,
  tramitadora,
} from '../mothers/expediente-history.mother';

const eventually = async (condition: () => boolean): Promise<void> => {
  for (let tries = 0; !condition(); tries++) {
    if (tries > 100) throw new Error('the condition never held');
    await new Promise((resolve) => setImmediate(resolve));
  }
};

const admin = { userId: 'root', roles: ['admin'] };

describe('SearchIndexer', () => {
  let bus: RecordingMessageBus;
  let index: InMemoryExpedienteSearchIndex;
  let outcomes: IndexingOutcome[];
  let indexer: SearchIndexer;
  const history = new ExpedienteHistory('EXP-2024-000007', new Date('2024-04-01T08:00:00Z'))
    .documentoSubido(documentoMother('Suelto.pdf'), { suelto: true })
    .solicitado({ descripcion: 'Licencia de actividad' })
    .abierto()
    .faseCambiada(fases.analisisTecnico);

  const deliverAll = async (group: string) => {
    for (const { topic, envelope } of history.events) await bus.deliver(group, topic, envelope);
  };

  beforeEach(async () => {
    bus = new RecordingMessageBus();
    index = new InMemoryExpedienteSearchIndex();
    outcomes = [];
    indexer = new SearchIndexer(bus, index, silentLogger, (_event, _topic, outcome) =>
      outcomes.push(outcome),
    );
    await indexer.start();
  });

  afterEach(() => indexer.stop());

  it('reads the events of expedientes and documents from the first one, in the group of its generation', () => {
    expect(bus.active.map(({ options }) => options)).toEqual([
      expect.objectContaining({
        group: 'search.index.g1',
        topics: [topics.events('expedientes'), topics.events('documents')],
        fromBeginning: true,
      }),
    ]);
    expect(indexer.generation).toBe(1);
  });

  it('folds the events of an expediente into its entry, once each', async () => {
    await deliverAll('search.index.g1');
    const indexed = await index.find(history.expedienteId);
    expect(indexed?.datos).toMatchObject({
      estado: 'abierto',
      fase: { codigo: 'ANALISIS_TECNICO' },
    });
    expect(outcomes).toEqual(['ignored', 'applied', 'applied', 'applied']);

    const [, solicitado] = history.events;
    await bus.deliver('search.index.g1', solicitado.topic, solicitado.envelope);

    expect(outcomes.at(-1)).toBe('duplicate');
    expect(await index.find(history.expedienteId)).toEqual(indexed);
  });

  it('rebuilds by emptying the index and replaying everything in the next generation', async () => {
    await deliverAll('search.index.g1');
    const indexed = await index.find(history.expedienteId);

    expect(await indexer.rebuild()).toBe(2);

    expect(bus.active.map(({ options }) => options.group)).toEqual(['search.index.g2']);
    expect(index.size).toBe(0);
    await deliverAll('search.index.g2');
    expect(await index.find(history.expedienteId)).toEqual(indexed);
  });

  it('follows a rebuild made by another replica instead of writing for the old generation', async () => {
    await index.startNextGeneration();

    const [, solicitado] = history.events;
    await bus.deliver('search.index.g1', solicitado.topic, solicitado.envelope);

    expect(outcomes).toEqual(['stale']);
    expect(await index.find(history.expedienteId)).toBeNull();
    await eventually(() => indexer.generation === 2);
    expect(bus.active.map(({ options }) => options.group)).toEqual(['search.index.g2']);
  });

  it('stops reading when stopped, and a rebuild then subscribes nothing', async () => {
    await indexer.stop();
    expect(bus.active).toEqual([]);
    expect(indexer.generation).toBeUndefined();

    await indexer.rebuild();
    expect(bus.active).toEqual([]);
    expect(await index.currentGeneration()).toBe(2);
  });

  describe('RebuildSearchIndex', () => {
    it('lets only an administrator rebuild', async () => {
      const rebuild = new RebuildSearchIndex(indexer);

      await expect(rebuild.execute(tramitadora)).rejects.toBeInstanceOf(ForbiddenError);
      expect(indexer.generation).toBe(1);
      await expect(rebuild.execute(admin)).resolves.toEqual({
        generation: 2,
        consumerGroup: 'search.index.g2',
      });
      expect(indexer.generation).toBe(2);
    });
  });
});

describe('SearchExpedientes', () => {
  it('asks the index for the words of the text, with the filters and the page', async () => {
    const index = new InMemoryExpedienteSearchIndex();
    const desde = new Date('2024-01-01T00:00:00Z');

    await new SearchExpedientes(index).execute({
      texto: 'Análisis de EXP-2024',
      estado: 'abierto',
      desde,
      page: 2,
      pageSize: 10,
    });

    expect(index.queries).toEqual([
      {
        terms: ['análisis', 'exp', '2024'],
        filters: { estado: 'abierto', desde },
        page: 2,
        pageSize: 10,
      },
    ]);
  });
});
