import {
  defaultScryptCost,
  generatePassword,
  ScryptPasswordHasher,
} from '../../src/infrastructure/crypto/scrypt-password-hasher';

// A low cost keeps these fast; one test runs the real one.
const cheap = new ScryptPasswordHasher({ N: 1024, r: 8, p: 1 });

describe('ScryptPasswordHasher', () => {
  it('stores the algorithm, its cost, a salt and the hash', async () => {
    expect(await cheap.hash('una contraseña')).toMatch(
      /^scrypt\$N=1024,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/,
    );
  });

  it('salts every hash: the same password never hashes the same', async () => {
    expect(await cheap.hash('una contraseña')).not.toBe(await cheap.hash('una contraseña'));
  });

  it('accepts the right password and refuses any other', async () => {
    const hash = await cheap.hash('una contraseña');
    await expect(cheap.verify('una contraseña', hash)).resolves.toBe(true);
    await expect(cheap.verify('una contraseña ', hash)).resolves.toBe(false);
    await expect(cheap.verify('', hash)).resolves.toBe(false);
  });

  it('checks a hash with the cost stored in it, whatever the cost now', async () => {
    const hash = await cheap.hash('una contraseña');
    await expect(new ScryptPasswordHasher().verify('una contraseña', hash)).resolves.toBe(true);
  });

  it('treats the composed and decomposed forms of a character as the same password', async () => {
    const hash = await cheap.hash('contrase\u00f1a');
    await expect(cheap.verify('contrasen\u0303a', hash)).resolves.toBe(true);
  });

  it('refuses anything that is not one of its hashes', async () => {
    for (const hash of ['', 'texto plano', 'scrypt$N=1024,r=8,p=1$c2FsdA$', '$2b$10$abc']) {
      await expect(cheap.verify('texto plano', hash)).resolves.toBe(false);
    }
  });

  it('hashes with the real cost (scrypt N=2^15, r=8) within a sign-in budget', async () => {
    const hasher = new ScryptPasswordHasher();
    const started = Date.now();
    const hash = await hasher.hash('una contraseña');
    expect(hash).toContain(`N=${defaultScryptCost.N},r=8,p=1`);
    await expect(hasher.verify('una contraseña', hash)).resolves.toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('generates passwords of 24 characters that are never the same', () => {
    const passwords = new Set(Array.from({ length: 50 }, generatePassword));
    expect(passwords.size).toBe(50);
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });
});
