import { Usuario } from '../../src/domain/usuario';
import { FakePasswordHasher } from '../support/in-memory-usuarios';
import { creadoAt, UsuarioMother } from '../support/usuario-mother';

const AHORA = new Date('2030-05-01T10:00:00.000Z');

describe('Usuario', () => {
  it('is created enabled, with its username in lower case and its roles in a stable order', async () => {
    const usuario = await UsuarioMother.crear({
      username: '  Ana.Tramitadora ',
      nombre: ' Ana García ',
      roles: ['validador', 'tramitador', 'validador'],
    });
    expect(usuario.datos()).toEqual({
      username: 'ana.tramitadora',
      nombre: 'Ana García',
      roles: ['tramitador', 'validador'],
      passwordHash: 'fake$contraseña de ana',
      activo: true,
      debeCambiarContrasena: false,
      credencialesDesde: null,
      creadoAt,
      revision: 0,
    });
  });

  it('ends, with a reset by an administrator, what began before it: never before one', async () => {
    const usuario = await UsuarioMother.crear({});
    const antes = new Date(AHORA.getTime() - 1);
    expect(usuario.admiteAccesoIniciadoEn(antes)).toBe(true);
    await usuario.restablecerContrasena('provisional 123', new FakePasswordHasher(), AHORA);
    expect(usuario.admiteAccesoIniciadoEn(antes)).toBe(false);
    expect(usuario.admiteAccesoIniciadoEn(AHORA)).toBe(true);
    expect(usuario.admiteAccesoIniciadoEn(new Date(AHORA.getTime() + 999))).toBe(true);
    // The user choosing their own afterwards ends nothing: they are the one signing in.
    await usuario.cambiarContrasena('solo la sé yo', new FakePasswordHasher());
    expect(usuario.datos().credencialesDesde).toEqual(AHORA);
  });

  it('is created with a provisional password when the administrator says so', async () => {
    const usuario = await UsuarioMother.crear({ provisional: true });
    expect(usuario.datos().debeCambiarContrasena).toBe(true);
  });

  it.each([
    ['ab', 'AUTH.INVALID_USER'],
    ['con espacio', 'AUTH.INVALID_USER'],
    ['.empieza-por-punto', 'AUTH.INVALID_USER'],
    ['x'.repeat(65), 'AUTH.INVALID_USER'],
  ])('refuses the username %j', async (username, code) => {
    await expect(UsuarioMother.crear({ username })).rejects.toMatchObject({
      code,
      kind: 'invalid',
    });
  });

  it('refuses an empty name, no roles, an unknown role, and a short password', async () => {
    await expect(UsuarioMother.crear({ nombre: '  ' })).rejects.toMatchObject({
      code: 'AUTH.INVALID_USER',
    });
    await expect(UsuarioMother.crear({ roles: [] })).rejects.toMatchObject({
      code: 'AUTH.INVALID_USER',
      message: expect.stringContaining('al menos un rol'),
    });
    await expect(UsuarioMother.crear({ roles: ['jefe'] })).rejects.toMatchObject({
      code: 'AUTH.UNKNOWN_ROLE',
      message: 'El rol jefe no existe; los roles son: tramitador, validador, admin',
    });
    await expect(UsuarioMother.crear({ password: 'corta' })).rejects.toMatchObject({
      code: 'AUTH.WEAK_PASSWORD',
      message: 'La contraseña debe tener al menos 8 caracteres',
    });
  });

  it('counts the characters of a password, not its bytes', async () => {
    await expect(UsuarioMother.crear({ password: 'ñandú€€' })).rejects.toMatchObject({
      code: 'AUTH.WEAK_PASSWORD',
    });
    await expect(UsuarioMother.crear({ password: 'ñandú€€€' })).resolves.toBeDefined();
  });

  it('does not hash anything when the user is not valid', async () => {
    const hasher = new FakePasswordHasher();
    const hash = jest.spyOn(hasher, 'hash');
    await expect(Usuario.crear(UsuarioMother.datos({ roles: ['jefe'] }), hasher)).rejects.toThrow();
    expect(hash).not.toHaveBeenCalled();
  });

  it('gets new roles, replacing the ones it had', async () => {
    const usuario = await UsuarioMother.crear();
    usuario.asignarRoles(['admin', 'validador']);
    expect(usuario.roles).toEqual(['validador', 'admin']);
    expect(() => usuario.asignarRoles([])).toThrow(
      expect.objectContaining({ code: 'AUTH.INVALID_USER' }),
    );
  });

  it('is an active administrator only while enabled with the admin role', async () => {
    const admin = await UsuarioMother.admin();
    expect(admin.esAdministradorActivo).toBe(true);
    admin.deshabilitar();
    expect(admin.activo).toBe(false);
    expect(admin.esAdministradorActivo).toBe(false);
    admin.habilitar();
    expect(admin.esAdministradorActivo).toBe(true);
    expect((await UsuarioMother.crear()).esAdministradorActivo).toBe(false);
  });

  it('changes its password only for an acceptable one', async () => {
    const usuario = await UsuarioMother.crear();
    await usuario.cambiarContrasena('otra contraseña', new FakePasswordHasher());
    expect(usuario.passwordHash).toBe('fake$otra contraseña');
    await expect(
      usuario.cambiarContrasena('corta', new FakePasswordHasher()),
    ).rejects.toMatchObject({
      code: 'AUTH.WEAK_PASSWORD',
    });
  });

  it('gets a provisional password, which it must replace, only for an acceptable one', async () => {
    const usuario = await UsuarioMother.crear();
    const hasher = new FakePasswordHasher();
    const hash = jest.spyOn(hasher, 'hash');
    await expect(usuario.restablecerContrasena('corta', hasher, AHORA)).rejects.toMatchObject({
      code: 'AUTH.WEAK_PASSWORD',
      kind: 'invalid',
    });
    await expect(
      usuario.restablecerContrasena('x'.repeat(257), hasher, AHORA),
    ).rejects.toMatchObject({
      code: 'AUTH.INVALID_USER',
    });
    expect(hash).not.toHaveBeenCalled();
    expect(usuario.datos()).toMatchObject({
      passwordHash: 'fake$contraseña de ana',
      debeCambiarContrasena: false,
    });

    await usuario.restablecerContrasena('provisional 123', hasher, AHORA);
    expect(usuario.datos()).toMatchObject({
      passwordHash: 'fake$provisional 123',
      debeCambiarContrasena: true,
    });
  });

  it('no longer has a provisional password once it changes it', async () => {
    const usuario = await UsuarioMother.crear();
    await usuario.restablecerContrasena('provisional 123', new FakePasswordHasher(), AHORA);
    await usuario.cambiarContrasena('otra contraseña', new FakePasswordHasher());
    expect(usuario.datos()).toMatchObject({
      passwordHash: 'fake$otra contraseña',
      debeCambiarContrasena: false,
    });
  });

  it('chooses a new password of its own: another acceptable one than it had', async () => {
    const usuario = await UsuarioMother.crear();
    const hasher = new FakePasswordHasher();
    await usuario.restablecerContrasena('provisional 123', hasher, AHORA);
    await expect(
      usuario.elegirContrasena('provisional 123', 'provisional 123', hasher),
    ).rejects.toMatchObject({
      code: 'AUTH.SAME_PASSWORD',
      kind: 'rule',
      message: 'La contraseña nueva tiene que ser distinta de la actual',
    });
    await expect(
      usuario.elegirContrasena('provisional 123', 'corta', hasher),
    ).rejects.toMatchObject({ code: 'AUTH.WEAK_PASSWORD' });
    expect(usuario.datos()).toMatchObject({
      passwordHash: 'fake$provisional 123',
      debeCambiarContrasena: true,
    });

    await usuario.elegirContrasena('provisional 123', 'solo la sé yo', hasher);
    expect(usuario.datos()).toMatchObject({
      passwordHash: 'fake$solo la sé yo',
      debeCambiarContrasena: false,
    });
  });
});
