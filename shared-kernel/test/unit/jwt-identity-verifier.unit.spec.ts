import { UnauthenticatedError } from '../../src';
import { JwtIdentityVerifier } from '../../src/adapters/runtime';
import { TestTokenIssuer } from '../../src/testing';

describe('JwtIdentityVerifier', () => {
  let issuer: TestTokenIssuer;
  let clock: number;
  const verifier = (cacheSize?: number) =>
    new JwtIdentityVerifier({
      issuer: issuer.issuer,
      audience: issuer.audience,
      keys: issuer.jwks,
      cacheSize,
      now: () => clock,
    });

  beforeAll(async () => {
    issuer = await TestTokenIssuer.create();
  });
  beforeEach(() => {
    clock = Date.now();
  });

  it('remembers a verified token and answers the same actor', async () => {
    const token = await issuer.token({ userId: 'ana', roles: ['tramitador'], expiresIn: 60 });
    const subject = verifier();
    const first = await subject.verify(token);
    expect(first).toEqual({ userId: 'ana', roles: ['tramitador'] });
    expect(await subject.verify(token)).toBe(first);
  });

  it('refuses a remembered token once it has expired', async () => {
    const token = await issuer.token({ userId: 'ana', roles: ['tramitador'], expiresIn: 60 });
    const subject = verifier();
    await subject.verify(token);
    clock += 61_000;
    await expect(subject.verify(token)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('still refuses a token whose signature was tampered with after a good one was remembered', async () => {
    const token = await issuer.token({ userId: 'ana', roles: ['tramitador'], expiresIn: 60 });
    const subject = verifier();
    await subject.verify(token);
    const [header, , signature] = token.split('.');
    const forgedClaims = Buffer.from(
      JSON.stringify({ sub: 'ana', roles: ['admin'], iss: issuer.issuer, aud: issuer.audience }),
    ).toString('base64url');
    await expect(subject.verify(`${header}.${forgedClaims}.${signature}`)).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });

  it('keeps at most cacheSize tokens, forgetting the oldest first', async () => {
    const subject = verifier(1);
    const older = await issuer.token({ userId: 'ana', roles: [], expiresIn: 60 });
    const newer = await issuer.token({ userId: 'luis', roles: [], expiresIn: 60 });
    const first = await subject.verify(older);
    await subject.verify(newer);
    const again = await subject.verify(older);
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
  });
});
