import { AssignRolesHandler } from '../../src/application/assign-roles/assign-roles-handler';
import { AuthenticateHandler } from '../../src/application/authenticate/authenticate-handler';
import { LoginThrottle } from '../../src/application/authenticate/login-throttle';
import { BootstrapFirstAdminHandler } from '../../src/application/bootstrap-first-admin/bootstrap-first-admin-handler';
import { ChangeOwnPasswordHandler } from '../../src/application/change-own-password/change-own-password-handler';
import { CreateUserHandler } from '../../src/application/create-user/create-user-handler';
import { FindActiveUserQuery } from '../../src/application/find-active-user/find-active-user-query';
import { ListUsersQuery } from '../../src/application/list-users/list-users-query';
import { ResetPasswordHandler } from '../../src/application/reset-password/reset-password-handler';
import { SetUserEnabledHandler } from '../../src/application/set-user-enabled/set-user-enabled-handler';
import { InMemoryIntentos } from '../support/in-memory-intentos';
import { FakePasswordHasher, InMemoryUsuarios } from '../support/in-memory-usuarios';
import { creadoAt, UsuarioMother } from '../support/usuario-mother';

const AHORA = new Date('2030-05-01T10:00:00.000Z');

/** The brake has its own tests (login-throttle): here it never applies. */
const sinLimite = {
  porUsuario: { fallos: 1_000, ventanaMs: 60_000 },
  porDireccion: { fallos: 1_000, ventanaMs: 60_000 },
};

function setup(limites = sinLimite) {
  const usuarios = new InMemoryUsuarios();
  const hasher = new FakePasswordHasher();
  const clock = () => creadoAt;
  const accessChanges: Array<[string, boolean]> = [];
  const authenticate = new AuthenticateHandler(
    usuarios,
    hasher,
    new LoginThrottle(new InMemoryIntentos(), limites, clock),
  );
  return {
    usuarios,
    hasher,
    accessChanges,
    create: new CreateUserHandler(usuarios, hasher, clock),
    assignRoles: new AssignRolesHandler(usuarios),
    setEnabled: new SetUserEnabledHandler(usuarios, {
      accessChanged: (username, activo) => accessChanges.push([username, activo]),
    }),
    authenticate,
    resetPassword: new ResetPasswordHandler(usuarios, hasher, clock),
    changeOwnPassword: new ChangeOwnPasswordHandler(usuarios, hasher, authenticate),
    list: new ListUsersQuery(usuarios),
    findActive: new FindActiveUserQuery(usuarios),
    bootstrap: new BootstrapFirstAdminHandler(usuarios, hasher, clock, () => 'generada-123456789'),
  };
}

const ana = { username: 'ana.tramitadora', nombre: 'Ana García', password: 'contraseña de ana' };

describe('creating a user', () => {
  it('stores an enabled user and hands it out without its password', async () => {
    const { create, list } = setup();
    const creado = await create.handle({ ...ana, roles: ['tramitador'] });
    expect(creado).toEqual({
      username: 'ana.tramitadora',
      nombre: 'Ana García',
      roles: ['tramitador'],
      activo: true,
      debeCambiarContrasena: false,
      creadoAt: creadoAt.toISOString(),
    });
    expect(await list.handle()).toEqual([creado]);
  });

  it('refuses a username that is taken, in any case', async () => {
    const { create } = setup();
    await create.handle({ ...ana, roles: ['tramitador'] });
    await expect(
      create.handle({ ...ana, username: 'ANA.tramitadora', roles: ['validador'] }),
    ).rejects.toMatchObject({ code: 'AUTH.USER_EXISTS', kind: 'conflict' });
  });
});

describe('roles and access', () => {
  async function withUsers() {
    const context = setup();
    await context.create.handle({
      username: 'marta.admin',
      nombre: 'Marta',
      password: 'clave de marta',
      roles: ['admin'],
    });
    await context.create.handle({ ...ana, roles: ['tramitador'] });
    return context;
  }

  it('replaces the roles of a user', async () => {
    const { assignRoles, findActive } = await withUsers();
    await expect(
      assignRoles.handle('ana.tramitadora', ['validador', 'tramitador']),
    ).resolves.toMatchObject({
      roles: ['tramitador', 'validador'],
    });
    expect((await findActive.handle('ana.tramitadora'))?.roles).toEqual([
      'tramitador',
      'validador',
    ]);
  });

  it('says which user does not exist', async () => {
    const { assignRoles, setEnabled } = await withUsers();
    await expect(assignRoles.handle('nadie', ['admin'])).rejects.toMatchObject({
      code: 'AUTH.USER_NOT_FOUND',
      kind: 'not_found',
      message: 'No existe el usuario nadie',
    });
    await expect(setEnabled.handle('nadie', false)).rejects.toMatchObject({
      code: 'AUTH.USER_NOT_FOUND',
    });
  });

  it('disables and enables a user; a disabled one is no longer an active user', async () => {
    const { setEnabled, findActive } = await withUsers();
    await expect(setEnabled.handle('ana.tramitadora', false)).resolves.toMatchObject({
      activo: false,
    });
    await expect(findActive.handle('ana.tramitadora')).resolves.toBeNull();
    await expect(setEnabled.handle('ana.tramitadora', true)).resolves.toMatchObject({
      activo: true,
    });
    await expect(findActive.handle('ana.tramitadora')).resolves.toMatchObject({ activo: true });
  });

  it('says who lost or regained access, once the change is stored, and not when refused', async () => {
    const { setEnabled, accessChanges } = await withUsers();
    await setEnabled.handle('Ana.Tramitadora', false);
    await setEnabled.handle('ana.tramitadora', true);
    await expect(setEnabled.handle('marta.admin', false)).rejects.toMatchObject({
      code: 'AUTH.LAST_ADMIN',
    });
    expect(accessChanges).toEqual([
      ['ana.tramitadora', false],
      ['ana.tramitadora', true],
    ]);
  });

  it('never leaves the platform without an enabled administrator', async () => {
    const { setEnabled, assignRoles } = await withUsers();
    await expect(setEnabled.handle('marta.admin', false)).rejects.toMatchObject({
      code: 'AUTH.LAST_ADMIN',
      kind: 'conflict',
    });
    await expect(assignRoles.handle('marta.admin', ['tramitador'])).rejects.toMatchObject({
      code: 'AUTH.LAST_ADMIN',
    });

    await assignRoles.handle('ana.tramitadora', ['tramitador', 'admin']);
    await expect(setEnabled.handle('marta.admin', false)).resolves.toMatchObject({ activo: false });
    await expect(assignRoles.handle('ana.tramitadora', ['tramitador'])).rejects.toMatchObject({
      code: 'AUTH.LAST_ADMIN',
    });
  });
});

describe('signing in with a password', () => {
  it('hands out the user for the right password, whatever the case of the username', async () => {
    const { create, authenticate } = setup();
    await create.handle({ ...ana, roles: ['tramitador'] });
    await expect(
      authenticate.handle({ username: 'Ana.Tramitadora', password: ana.password }),
    ).resolves.toMatchObject({ username: 'ana.tramitadora', roles: ['tramitador'] });
  });

  it('says the same for a wrong password, an unknown user and a malformed username', async () => {
    const { create, authenticate, hasher } = setup();
    await create.handle({ ...ana, roles: ['tramitador'] });
    for (const credenciales of [
      { username: ana.username, password: 'otra' },
      { username: 'nadie', password: ana.password },
      { username: '<script>', password: ana.password },
    ]) {
      await expect(authenticate.handle(credenciales)).rejects.toMatchObject({
        code: 'AUTH.INVALID_CREDENTIALS',
        kind: 'unauthenticated',
        message: 'Usuario o contraseña incorrectos',
      });
    }
    // A hash is checked every time, so an unknown user costs the same time as a known one.
    expect(hasher.verified).toHaveLength(3);
  });

  it('refuses a disabled user, once the password is right', async () => {
    const { create, authenticate, setEnabled } = setup();
    await create.handle({
      username: 'marta.admin',
      nombre: 'Marta',
      password: 'clave de marta',
      roles: ['admin'],
    });
    await create.handle({ ...ana, roles: ['tramitador'] });
    await setEnabled.handle('ana.tramitadora', false);
    await expect(
      authenticate.handle({ username: ana.username, password: 'otra' }),
    ).rejects.toMatchObject({
      code: 'AUTH.INVALID_CREDENTIALS',
    });
    await expect(authenticate.handle(ana)).rejects.toMatchObject({
      code: 'AUTH.USER_DISABLED',
      kind: 'forbidden',
    });
  });
});

describe('provisional passwords', () => {
  const provisional = 'provisional 2025';
  const nueva = 'solo la sé yo';

  async function withAna(limites = sinLimite) {
    const context = setup(limites);
    await context.create.handle({ ...ana, roles: ['tramitador'] });
    return context;
  }

  it('lets an administrator give a user a provisional password, which opens nothing else', async () => {
    const { resetPassword, authenticate, list } = await withAna();
    await expect(resetPassword.handle('Ana.Tramitadora', provisional)).resolves.toMatchObject({
      username: 'ana.tramitadora',
      debeCambiarContrasena: true,
    });
    await expect(
      authenticate.handle({ username: ana.username, password: provisional }),
    ).resolves.toMatchObject({ debeCambiarContrasena: true });
    await expect(authenticate.handle(ana)).rejects.toMatchObject({
      code: 'AUTH.INVALID_CREDENTIALS',
    });
    expect((await list.handle())[0]).not.toHaveProperty('passwordHash');
  });

  it('ends the sessions and tokens begun before the reset, not those begun after', async () => {
    const { resetPassword, findActive } = await withAna();
    const antes = new Date(creadoAt.getTime() - 1_000);
    await expect(findActive.handle('ana.tramitadora', antes)).resolves.not.toBeNull();
    await resetPassword.handle('ana.tramitadora', provisional); // at the clock's `creadoAt`
    await expect(findActive.handle('ana.tramitadora', antes)).resolves.toBeNull();
    await expect(findActive.handle('ana.tramitadora', creadoAt)).resolves.not.toBeNull();
    await expect(findActive.handle('ana.tramitadora')).resolves.not.toBeNull();
  });

  it('says which user does not exist, and refuses a weak provisional password', async () => {
    const { resetPassword, authenticate } = await withAna();
    await expect(resetPassword.handle('nadie', provisional)).rejects.toMatchObject({
      code: 'AUTH.USER_NOT_FOUND',
      kind: 'not_found',
    });
    await expect(resetPassword.handle(ana.username, 'corta')).rejects.toMatchObject({
      code: 'AUTH.WEAK_PASSWORD',
    });
    await expect(authenticate.handle(ana)).resolves.toMatchObject({
      debeCambiarContrasena: false,
    });
  });

  it('lets the user replace it, proving it first: then only the new one signs in', async () => {
    const { resetPassword, changeOwnPassword, authenticate, findActive } = await withAna();
    await resetPassword.handle(ana.username, provisional);
    await expect(
      changeOwnPassword.handle({ username: 'ANA.tramitadora', password: provisional, nueva }),
    ).resolves.toMatchObject({ username: 'ana.tramitadora', debeCambiarContrasena: false });
    await expect(
      authenticate.handle({ username: ana.username, password: nueva }),
    ).resolves.toMatchObject({ debeCambiarContrasena: false });
    await expect(
      authenticate.handle({ username: ana.username, password: provisional }),
    ).rejects.toMatchObject({ code: 'AUTH.INVALID_CREDENTIALS' });
    await expect(findActive.handle(ana.username)).resolves.toMatchObject({
      debeCambiarContrasena: false,
    });
  });

  it('refuses a wrong current password, the same one again, and a weak one, changing nothing', async () => {
    const { resetPassword, changeOwnPassword, authenticate } = await withAna();
    await resetPassword.handle(ana.username, provisional);
    const refusals = [
      [{ password: 'no es la provisional', nueva }, 'AUTH.INVALID_CREDENTIALS'],
      [{ password: provisional, nueva: provisional }, 'AUTH.SAME_PASSWORD'],
      [{ password: provisional, nueva: 'corta' }, 'AUTH.WEAK_PASSWORD'],
      [{ password: nueva, nueva: 'y otra más' }, 'AUTH.INVALID_CREDENTIALS'],
    ] as const;
    for (const [cambio, code] of refusals) {
      await expect(
        changeOwnPassword.handle({ username: ana.username, ...cambio }),
      ).rejects.toMatchObject({ code });
    }
    await expect(
      authenticate.handle({ username: ana.username, password: provisional }),
    ).resolves.toMatchObject({ debeCambiarContrasena: true });
  });

  it('refuses a disabled user, and applies the brake on guessing', async () => {
    const { create, resetPassword, changeOwnPassword, setEnabled } = await withAna({
      porUsuario: { fallos: 2, ventanaMs: 60_000 },
      porDireccion: { fallos: 1_000, ventanaMs: 60_000 },
    });
    await create.handle({
      username: 'marta.admin',
      nombre: 'Marta',
      password: 'clave de marta',
      roles: ['admin'],
    });
    await resetPassword.handle(ana.username, provisional);
    await setEnabled.handle(ana.username, false);
    await expect(
      changeOwnPassword.handle({ username: ana.username, password: provisional, nueva }),
    ).rejects.toMatchObject({ code: 'AUTH.USER_DISABLED' });

    await resetPassword.handle('marta.admin', provisional);
    for (let vez = 0; vez < 2; vez += 1) {
      await expect(
        changeOwnPassword.handle({ username: 'marta.admin', password: 'mal', nueva }),
      ).rejects.toMatchObject({ code: 'AUTH.INVALID_CREDENTIALS' });
    }
    await expect(
      changeOwnPassword.handle({ username: 'marta.admin', password: provisional, nueva }),
    ).rejects.toMatchObject({ code: 'AUTH.TOO_MANY_ATTEMPTS' });
  });

  it('does not overwrite a password an administrator set after the user proved theirs', async () => {
    const { usuarios, resetPassword, changeOwnPassword, authenticate } = await withAna();
    await resetPassword.handle(ana.username, provisional);
    const save = usuarios.save.bind(usuarios);
    jest.spyOn(usuarios, 'save').mockImplementationOnce(async (usuario) => {
      await resetPassword.handle(ana.username, 'la segunda provisional');
      await save(usuario);
    });
    await expect(
      changeOwnPassword.handle({ username: ana.username, password: provisional, nueva }),
    ).rejects.toMatchObject({ code: 'AUTH.CONCURRENT_UPDATE' });
    await expect(
      authenticate.handle({ username: ana.username, password: 'la segunda provisional' }),
    ).resolves.toMatchObject({ debeCambiarContrasena: true });
  });
});

describe('the first administrator', () => {
  it('is created with a generated password when none is configured, and only then', async () => {
    const { bootstrap, authenticate } = setup();
    await expect(bootstrap.handle({ username: 'admin' })).resolves.toEqual({
      creado: true,
      username: 'admin',
      passwordGenerada: 'generada-123456789',
    });
    await expect(
      authenticate.handle({ username: 'admin', password: 'generada-123456789' }),
    ).resolves.toMatchObject({ roles: ['admin'], debeCambiarContrasena: false });
    await expect(bootstrap.handle({ username: 'admin' })).resolves.toEqual({ creado: false });
  });

  it('takes the configured password, which is never handed back', async () => {
    const { bootstrap, authenticate } = setup();
    await expect(
      bootstrap.handle({ username: 'jefa', password: 'clave configurada' }),
    ).resolves.toEqual({
      creado: true,
      username: 'jefa',
    });
    await expect(
      authenticate.handle({ username: 'jefa', password: 'clave configurada' }),
    ).resolves.toMatchObject({ roles: ['admin'] });
  });

  it('does nothing while an enabled administrator exists', async () => {
    const { bootstrap, usuarios, list } = setup();
    await usuarios.save(await UsuarioMother.admin());
    await expect(
      bootstrap.handle({ username: 'admin', password: 'clave configurada' }),
    ).resolves.toEqual({
      creado: false,
    });
    expect((await list.handle()).map((u) => u.username)).toEqual(['marta.admin']);
  });

  it('makes the configured user an enabled administrator when it exists without being one', async () => {
    const { bootstrap, usuarios, authenticate } = setup();
    const ana = await UsuarioMother.crear();
    await ana.restablecerContrasena('provisional olvidada', new FakePasswordHasher(), AHORA);
    ana.deshabilitar();
    await usuarios.save(ana);
    await bootstrap.handle({ username: 'ana.tramitadora', password: 'clave recuperada' });
    await expect(
      authenticate.handle({ username: 'ana.tramitadora', password: 'clave recuperada' }),
    ).resolves.toMatchObject({
      roles: ['tramitador', 'admin'],
      activo: true,
      debeCambiarContrasena: false,
    });
  });
});
