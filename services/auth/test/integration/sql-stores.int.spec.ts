import { SqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import {
  describeWithServerAs,
  TemporaryDatabase,
  temporaryMysql,
  temporarySqlite,
} from '@expedientes/shared-kernel/testing';
import { LoginThrottle } from '../../src/application/authenticate/login-throttle';
import { OLVIDO_MS } from '../../src/domain/intentos-de-acceso';
import { authMigrations } from '../../src/infrastructure/sql/auth-migrations';
import { SqlOidcStorage } from '../../src/infrastructure/sql/sql-oidc-storage';
import { SqlRegistroDeIntentos } from '../../src/infrastructure/sql/sql-registro-de-intentos';
import { SqlUsuarioRepository } from '../../src/infrastructure/sql/sql-usuario-repository';
import { FakePasswordHasher } from '../support/in-memory-usuarios';
import { UsuarioMother } from '../support/usuario-mother';

function storesContract(open: () => Promise<TemporaryDatabase<SqlDatabase>>): void {
  let database: TemporaryDatabase<SqlDatabase>;
  let usuarios: SqlUsuarioRepository;
  let now = Date.UTC(2025, 2, 1, 9, 0);
  let storage: SqlOidcStorage;

  beforeAll(async () => {
    database = await open();
    await database.db.migrate('auth', authMigrations);
    await database.db.migrate('auth', authMigrations); // a restart applies nothing twice
    usuarios = new SqlUsuarioRepository(database.db);
    storage = new SqlOidcStorage(database.db, () => now);
  });
  afterAll(() => database?.dispose());

  describe('SqlUsuarioRepository', () => {
    it('reads back a user as it was saved, through every change', async () => {
      const ana = await UsuarioMother.crear({ roles: ['validador', 'tramitador'] });
      await usuarios.save(ana);
      const read = await usuarios.findByUsername('ana.tramitadora');
      expect(read?.datos()).toEqual({ ...ana.datos(), revision: 1 });

      read?.asignarRoles(['admin']);
      read?.deshabilitar();
      await usuarios.save(read!);
      expect((await usuarios.findByUsername('ana.tramitadora'))?.datos()).toMatchObject({
        roles: ['admin'],
        activo: false,
        revision: 2,
      });
    });

    it('keeps whether the password is a provisional one', async () => {
      const hasher = new FakePasswordHasher();
      await usuarios.save(await UsuarioMother.crear({ username: 'sara.provisional' }));
      const read = await usuarios.findByUsername('sara.provisional');
      const at = new Date('2030-05-01T10:00:00.123Z');
      await read!.restablecerContrasena('provisional 2025', hasher, at);
      await usuarios.save(read!);
      const reset = await usuarios.findByUsername('sara.provisional');
      expect(reset?.datos()).toMatchObject({
        passwordHash: 'fake$provisional 2025',
        debeCambiarContrasena: true,
        credencialesDesde: at,
        revision: 2,
      });

      await reset!.cambiarContrasena('solo la sé yo', hasher);
      await usuarios.save(reset!);
      expect((await usuarios.findByUsername('sara.provisional'))?.datos()).toMatchObject({
        passwordHash: 'fake$solo la sé yo',
        debeCambiarContrasena: false,
        revision: 3,
      });

      const nueva = await UsuarioMother.crear({ username: 'nuria.provisional' });
      await nueva.restablecerContrasena('provisional 2025', hasher, at);
      await usuarios.save(nueva);
      expect(
        (await usuarios.list()).find((u) => u.username === 'nuria.provisional')?.datos(),
      ).toMatchObject({ debeCambiarContrasena: true, revision: 1 });
    });

    it('gives the users stored before provisional passwords existed none', async () => {
      const anterior = await open();
      try {
        await anterior.db.migrate('auth', authMigrations.slice(0, 3));
        await anterior.db.execute(
          `INSERT INTO auth_usuarios
             (username, nombre, password_hash, activo, creado_at, revision)
           VALUES ('viejo.usuario', 'Viejo', 'fake$x', ?, 0, 1)`,
          [true],
        );
        await anterior.db.migrate('auth', authMigrations);
        const viejo = await new SqlUsuarioRepository(anterior.db).findByUsername('viejo.usuario');
        expect(viejo?.datos()).toMatchObject({ activo: true, debeCambiarContrasena: false });
      } finally {
        await anterior.dispose();
      }
    });

    it('finds nobody for an unknown username', async () => {
      await expect(usuarios.findByUsername('nadie')).resolves.toBeNull();
    });

    it('refuses a second user with the same username', async () => {
      await usuarios.save(await UsuarioMother.crear({ username: 'luis.dos' }));
      await expect(
        usuarios.save(await UsuarioMother.crear({ username: 'luis.dos', roles: ['admin'] })),
      ).rejects.toMatchObject({ code: 'AUTH.USER_EXISTS' });
      expect((await usuarios.findByUsername('luis.dos'))?.roles).toEqual(['tramitador']);
    });

    it('refuses to save over a change saved since the user was read', async () => {
      await usuarios.save(await UsuarioMother.crear({ username: 'pepe.carrera' }));
      const [first, second] = [
        await usuarios.findByUsername('pepe.carrera'),
        await usuarios.findByUsername('pepe.carrera'),
      ];
      first!.asignarRoles(['validador']);
      second!.deshabilitar();
      await usuarios.save(first!);
      await expect(usuarios.save(second!)).rejects.toMatchObject({
        code: 'AUTH.CONCURRENT_UPDATE',
      });
      expect((await usuarios.findByUsername('pepe.carrera'))?.datos()).toMatchObject({
        roles: ['validador'],
        activo: true,
      });
    });

    it('lists every user by username and counts the enabled administrators', async () => {
      const before = await usuarios.countActiveAdmins();
      await usuarios.save(await UsuarioMother.crear({ username: 'zoe.admin', roles: ['admin'] }));
      const apagada = await UsuarioMother.crear({ username: 'eva.admin', roles: ['admin'] });
      apagada.deshabilitar();
      await usuarios.save(apagada);
      expect(await usuarios.countActiveAdmins()).toBe(before + 1);
      const names = (await usuarios.list()).map((usuario) => usuario.username);
      expect(names).toEqual([...names].sort());
      expect(names).toEqual(expect.arrayContaining(['eva.admin', 'zoe.admin', 'ana.tramitadora']));
    });
  });

  describe('SqlOidcStorage', () => {
    const sessions = () => storage.adapterFor('Session');
    const codes = () => storage.adapterFor('AuthorizationCode');

    it('keeps a model until it expires, and finds it by id and by uid', async () => {
      await sessions().upsert('s1', { uid: 'u1', accountId: 'ana', kind: 'Session' }, 60);
      await expect(sessions().find('s1')).resolves.toEqual({
        uid: 'u1',
        accountId: 'ana',
        kind: 'Session',
      });
      await expect(sessions().findByUid('u1')).resolves.toMatchObject({ accountId: 'ana' });
      await expect(codes().find('s1')).resolves.toBeUndefined(); // another model

      now += 61_000;
      await expect(sessions().find('s1')).resolves.toBeUndefined();
      expect(await storage.sweepExpired()).toBeGreaterThanOrEqual(1);
    });

    it('replaces a model saved again', async () => {
      await sessions().upsert('s2', { uid: 'u2', accountId: 'ana' }, 60);
      await sessions().upsert('s2', { uid: 'u3', accountId: 'luis' }, 60);
      await expect(sessions().find('s2')).resolves.toEqual({ uid: 'u3', accountId: 'luis' });
      await expect(sessions().findByUid('u2')).resolves.toBeUndefined();
    });

    it('marks a model consumed, in epoch seconds', async () => {
      await codes().upsert('c1', { grantId: 'g1' }, 60);
      await codes().consume('c1');
      await expect(codes().find('c1')).resolves.toEqual({
        grantId: 'g1',
        consumed: Math.floor(now / 1000),
      });
    });

    it('revokes everything of a grant, in the model asked for', async () => {
      await codes().upsert('c2', { grantId: 'g2' }, 60);
      await storage.adapterFor('RefreshToken').upsert('r2', { grantId: 'g2' }, 600);
      await codes().revokeByGrantId('g2');
      await expect(codes().find('c2')).resolves.toBeUndefined();
      await expect(storage.adapterFor('RefreshToken').find('r2')).resolves.toBeDefined();
      await storage.adapterFor('RefreshToken').revokeByGrantId('g2');
      await expect(storage.adapterFor('RefreshToken').find('r2')).resolves.toBeUndefined();
    });

    it('destroys one model, and keeps one without expiry until then', async () => {
      await storage.adapterFor('Client').upsert('k1', { client_id: 'k1' });
      now += 10 * 365 * 24 * 3600 * 1000;
      await expect(storage.adapterFor('Client').find('k1')).resolves.toEqual({ client_id: 'k1' });
      await storage.adapterFor('Client').destroy('k1');
      await expect(storage.adapterFor('Client').find('k1')).resolves.toBeUndefined();
    });

    it('finds a device flow model by its user code', async () => {
      await storage.adapterFor('DeviceCode').upsert('d1', { userCode: 'ABCD-EFGH' }, 60);
      await expect(storage.adapterFor('DeviceCode').findByUserCode('ABCD-EFGH')).resolves.toEqual({
        userCode: 'ABCD-EFGH',
      });
    });
  });

  describe('SqlRegistroDeIntentos', () => {
    const limites = {
      porUsuario: { fallos: 5, ventanaMs: 15 * 60_000 },
      porDireccion: { fallos: 50, ventanaMs: 15 * 60_000 },
    };
    /** A replica of the service: its own throttle on the shared table. */
    const replica = () =>
      new LoginThrottle(new SqlRegistroDeIntentos(database.db), limites, () => new Date(now));

    it('counts attempts sent all at once, to two replicas, one by one', async () => {
      const replicas = [replica(), replica()];
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, vez) =>
          replicas[vez % 2].intentar({ username: 'ana.rafaga', direccion: '192.0.2.1' }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(5);
      expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual(
        Array(15).fill(
          expect.objectContaining({
            reason: expect.objectContaining({ details: { minutos: 15 } }),
          }),
        ),
      );
      await expect(replica().intentar({ username: 'luis.rafaga' })).resolves.toBeUndefined();
    });

    it('forgets the keys nobody has tried for a day', async () => {
      const registro = new SqlRegistroDeIntentos(database.db);
      await replica().intentar({ username: 'viejo.intento' });
      now += OLVIDO_MS + 60_000;
      await replica().intentar({ username: 'nuevo.intento' });
      expect(await registro.olvidarAnterioresA(now - OLVIDO_MS)).toBeGreaterThanOrEqual(1);
      const quedan = await registro.cambiar(
        ['usuario:viejo.intento', 'usuario:nuevo.intento'],
        (actuales) => actuales,
      );
      expect(quedan.get('usuario:viejo.intento')).toBeNull();
      expect(quedan.get('usuario:nuevo.intento')).toMatchObject({ fallos: 1 });
    });
  });
}

describe('the auth stores on SQLite', () => {
  storesContract(async () => temporarySqlite());
});

describeWithServerAs('mysql', 'auth', 'the auth stores on MySQL', (url) => {
  storesContract(() => temporaryMysql(url()));
});
