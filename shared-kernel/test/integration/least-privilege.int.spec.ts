import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { connectMongo, type MongoConnection } from '../../src/adapters/mongodb';
import { MysqlDatabase } from '../../src/adapters/sql';
import { describeWithAccounts } from '../../src/testing';

/**
 * Each service reaches its stores as a user of its own, granted its own databases only
 * (helm/expedientes/files/mysql/create-databases.sh, files/mongodb/create-users.js; the test
 * servers create theirs the same way): one service's user is refused on another's database.
 */

/** `url` with `database` in place of its own. */
function on(url: string, database: string): string {
  const other = new URL(url);
  other.pathname = `/${database}`;
  return other.toString();
}

const suffix = (): string => randomBytes(6).toString('hex');

describeWithAccounts('mysql', ['auth', 'search'], 'the services’ MySQL users', (urls) => {
  /** auth's database of this run, with a user and its password hash in it. */
  let authDatabase: string;

  beforeAll(async () => {
    authDatabase = `auth_${suffix()}`;
    await MysqlDatabase.ensureDatabase(on(urls.auth(), authDatabase));
    const db = new MysqlDatabase(on(urls.auth(), authDatabase), { connectionLimit: 1 });
    try {
      await db.execute('CREATE TABLE users (username VARCHAR(64) PRIMARY KEY, hash TEXT)');
      await db.execute('INSERT INTO users VALUES (?, ?)', ['admin', '$argon2id$not-a-real-hash']);
    } finally {
      await db.close();
    }
  });

  afterAll(async () => {
    if (authDatabase) await MysqlDatabase.dropDatabase(on(urls.auth(), authDatabase));
  });

  it('auth’s user reads its own database', async () => {
    const db = new MysqlDatabase(on(urls.auth(), authDatabase), { connectionLimit: 1 });
    try {
      await expect(db.query('SELECT username FROM users')).resolves.toEqual([
        { username: 'admin' },
      ]);
    } finally {
      await db.close();
    }
  });

  it('search’s user works in a database of its own', async () => {
    const own = on(urls.search(), `search_${suffix()}`);
    await MysqlDatabase.ensureDatabase(own);
    const db = new MysqlDatabase(own, { connectionLimit: 1 });
    try {
      await db.execute('CREATE TABLE t (id INT PRIMARY KEY)');
      await db.execute('INSERT INTO t VALUES (1)');
      await expect(db.query('SELECT id FROM t')).resolves.toEqual([{ id: 1 }]);
    } finally {
      await db.close();
      await MysqlDatabase.dropDatabase(own);
    }
  });

  it('search’s user is refused on auth’s databases, the deployed one and this run’s', async () => {
    for (const database of ['auth', authDatabase]) {
      // A connection that was let in is closed, or it would keep jest from ending.
      const outcome = await mysql.createConnection({ uri: on(urls.search(), database) }).then(
        (connection) => connection.end().then(() => `connected to ${database}`),
        (error: unknown) => error,
      );
      expect(outcome).toMatchObject({ code: 'ER_DBACCESS_DENIED_ERROR' });
    }
  });

  it('search’s user reads no user of auth, nor any password hash of the server', async () => {
    const connection = await mysql.createConnection({ uri: on(urls.search(), '') });
    try {
      await expect(
        connection.query(`SELECT * FROM \`${authDatabase}\`.users`),
      ).rejects.toMatchObject({
        code: 'ER_TABLEACCESS_DENIED_ERROR',
      });
      await expect(connection.query('SELECT * FROM mysql.user')).rejects.toMatchObject({
        code: 'ER_TABLEACCESS_DENIED_ERROR',
      });
    } finally {
      await connection.end();
    }
  });

  it('search’s user creates no database of auth’s', async () => {
    await expect(
      MysqlDatabase.ensureDatabase(on(urls.search(), `auth_${suffix()}`)),
    ).rejects.toMatchObject({
      code: 'ER_DBACCESS_DENIED_ERROR',
    });
  });
});

/** Both MongoDB and FerretDB (on PostgreSQL) answer a refusal so. */
const refused = /not authorized|permission denied/i;

describeWithAccounts(
  'mongodb',
  ['expedientes', 'documents'],
  'the services’ MongoDB users',
  (urls) => {
    let expedientes: MongoConnection;
    let documents: MongoConnection;
    /** expedientes' database of this run, with a document in it. */
    const database = `expedientes_${suffix()}`;

    beforeAll(async () => {
      expedientes = await connectMongo(on(urls.expedientes(), database), {
        appName: 'least-privilege-test',
        maxAttempts: 1,
      });
      documents = await connectMongo(urls.documents(), {
        appName: 'least-privilege-test',
        maxAttempts: 1,
      });
      await expedientes.db().collection('expedientes').insertOne({ codigo: 'EXP-1' });
    });

    afterAll(async () => {
      await expedientes?.db().dropDatabase();
      await expedientes?.close();
      await documents?.close();
    });

    it('expedientes’ user reads its own database', async () => {
      await expect(
        expedientes
          .db()
          .collection('expedientes')
          .findOne({}, { projection: { _id: 0 } }),
      ).resolves.toEqual({ codigo: 'EXP-1' });
    });

    it('documents’ user works in a database of its own', async () => {
      const own = documents.db(`documents_${suffix()}`);
      try {
        await own.collection('documentos').insertOne({ nombre: 'a.pdf' });
        await expect(own.collection('documentos').countDocuments()).resolves.toBe(1);
      } finally {
        await own.dropDatabase();
      }
    });

    it('documents’ user is refused on expedientes’ database, reading and writing', async () => {
      const theirs = documents.db(database).collection('expedientes');
      await expect(theirs.findOne({})).rejects.toThrow(refused);
      await expect(theirs.insertOne({ codigo: 'EXP-FORGED' })).rejects.toThrow(refused);
      await expect(expedientes.db().collection('expedientes').countDocuments()).resolves.toBe(1);
    });
  },
);
