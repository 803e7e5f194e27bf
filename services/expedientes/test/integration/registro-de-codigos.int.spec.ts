import { randomUUID } from 'node:crypto';
import { EventStore } from '@expedientes/shared-kernel';
import { SqlDatabase, SqlEventStore } from '@expedientes/shared-kernel/adapters/sql';
import {
  describeWithServerAs,
  temporaryMysql,
  temporarySqlite,
  TemporaryDatabase,
} from '@expedientes/shared-kernel/testing';
import { CodigoDeExpediente } from '../../src/domain/codigo-de-expediente';
import { EventStoreRegistroDeCodigos } from '../../src/infrastructure/persistence/event-store-registro-de-codigos';

/** The code registry on a real event store: requests racing for a code, across connections. */
function registroSuite(
  name: string,
  open: () => Promise<TemporaryDatabase<SqlDatabase>>,
  connections: 1 | 2,
): void {
  describe(name, () => {
    let database: TemporaryDatabase<SqlDatabase>;
    let stores: EventStore[];
    let registros: EventStoreRegistroDeCodigos[];

    beforeAll(async () => {
      database = await open();
      // On MySQL, two connections, as two processes of the service would have. SQLite is for
      // the single process: a second connection in it would wait on the first synchronously.
      stores = [await SqlEventStore.open(database.db)];
      if (connections === 2) stores.push(await SqlEventStore.open(database.reopen()));
      registros = stores.map(
        (store) => new EventStoreRegistroDeCodigos(store, randomUUID, () => new Date()),
      );
    });
    afterAll(async () => {
      await Promise.all(stores?.map((store) => store.close()) ?? []);
      await database?.dispose();
    });

    const codigo = () => CodigoDeExpediente.crear(`RACE-${randomUUID().slice(0, 8)}`);
    const race = (code: CodigoDeExpediente, expedientes: string[]) =>
      Promise.allSettled(
        expedientes.map((id, index) => registros[index % registros.length].reservar(code, id)),
      );

    it('lets exactly one of many requests racing for a free code hold it', async () => {
      const code = codigo();
      const expedientes = Array.from({ length: 8 }, (_, index) => `exp-${index}`);
      const outcomes = await race(code, expedientes);

      const winners = expedientes.filter((_, index) => outcomes[index].status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const outcome of outcomes.filter((each) => each.status === 'rejected')) {
        expect((outcome as PromiseRejectedResult).reason).toMatchObject({
          code: 'EXPEDIENTE.CODIGO_DUPLICADO',
        });
      }
      await expect(registros.at(-1)!.reservar(code, winners[0])).resolves.toBeUndefined();
      await expect(registros[0].reservar(code, 'exp-late')).rejects.toMatchObject({
        code: 'EXPEDIENTE.CODIGO_DUPLICADO',
      });
    });

    it('frees a code only for its holder, and lets one of the next racers have it', async () => {
      const code = codigo();
      await registros[0].reservar(code, 'exp-a');
      const other = registros.at(-1)!;
      await other.liberar(code, 'exp-b');
      await expect(other.reservar(code, 'exp-c')).rejects.toMatchObject({
        code: 'EXPEDIENTE.CODIGO_DUPLICADO',
      });

      await other.liberar(code, 'exp-a');
      const outcomes = await race(code, ['exp-d', 'exp-e', 'exp-f', 'exp-g']);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    });
  });
}

registroSuite('the code registry on SQLite', async () => temporarySqlite(), 1);

describeWithServerAs('mysql', 'expedientes', 'the code registry on MySQL', (url) => {
  registroSuite('racing across two connections', () => temporaryMysql(url()), 2);
});
