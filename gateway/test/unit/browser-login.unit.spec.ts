import { createHash } from 'node:crypto';
import { Actor, IdentityVerifier } from '@expedientes/shared-kernel';
import { changesState, csrfTokenMatches } from '../../src/login/csrf';
import { LoginFailedError, LoginFlow, safeReturnPath } from '../../src/login/login-flow';
import {
  CodeAnswer,
  SignedIn,
  TokenRequestRefusedError,
  TokenSet,
} from '../../src/login/openid-client';
import { PendingLogin, SessionLogin } from '../../src/login/session-data';
import {
  RefreshPendingError,
  SessionEndedError,
  SessionRefresher,
  SessionRefresherOptions,
} from '../../src/login/session-strategy';
import { RefreshClaims } from '../../src/ports/refresh-claims';

const NOW = Date.parse('2026-03-02T09:00:00Z');

/** Access tokens here are `user|role,role|n`: the fake verifier reads the actor from them. */
const accessToken = (userId: string, roles: string[], n = 1) => `${userId}|${roles.join(',')}|${n}`;

const tokenSet = (token: string, lifetimeMs: number, expiresAt = NOW + lifetimeMs): TokenSet => ({
  accessToken: token,
  idToken: `id-token-of-${token}`,
  refreshToken: `refresh-of-${token}`,
  expiresAt,
  lifetimeMs,
});

const identity: IdentityVerifier = {
  async verify(token: string): Promise<Actor> {
    const [userId, roles] = token.split('|');
    return { userId, roles: roles.split(',') };
  },
};

/** The provider's side of the flow, as the gateway's OpenID client presents it. */
class FakeProvider {
  readonly exchanged: Array<{ code: string; verifier: string }> = [];
  readonly verifiedNonces: string[] = [];
  refreshes = 0;
  refuseRefresh = false;
  idTokenSubject = 'ana.tramitadora';
  rolesAfterRefresh = ['tramitador', 'validador'];

  authorizationUrl(request: { state: string; nonce: string; codeChallenge: string }): string {
    const url = new URL('https://plataforma.test/auth/authorize');
    url.search = new URLSearchParams(request).toString();
    return url.href;
  }

  async exchangeCode({ parameters: { code }, codeVerifier, nonce }: CodeAnswer): Promise<SignedIn> {
    if (code !== 'codigo-bueno') throw new TokenRequestRefusedError('invalid_grant', 'used');
    this.exchanged.push({ code, verifier: codeVerifier });
    this.verifiedNonces.push(nonce);
    return {
      tokens: tokenSet(accessToken('ana.tramitadora', ['tramitador']), 900_000),
      claims: { subject: this.idTokenSubject, name: 'Ana García' },
    };
  }

  async refresh(tokens: TokenSet): Promise<TokenSet> {
    this.refreshes += 1;
    await new Promise((done) => setImmediate(done));
    if (this.refuseRefresh) throw new TokenRequestRefusedError('invalid_grant', 'revoked');
    return tokenSet(
      accessToken('ana.tramitadora', this.rolesAfterRefresh, this.refreshes + 1),
      tokens.lifetimeMs,
    );
  }
}

describe('The browser login flow (authorization code with PKCE)', () => {
  let provider: FakeProvider;
  let flow: LoginFlow;

  beforeEach(() => {
    provider = new FakeProvider();
    flow = new LoginFlow(async () => provider, identity);
  });

  const answer = (pending: PendingLogin, query: Record<string, string>) =>
    flow.finish(pending, { state: pending.state, ...query });

  it('asks for a code with fresh state, nonce and an S256 challenge of its kept verifier', async () => {
    const first = await flow.begin('/expedientes/E-1');
    const second = await flow.begin(undefined);
    const params = new URL(first.url).searchParams;
    expect(params.get('state')).toBe(first.pending.state);
    expect(params.get('nonce')).toBe(first.pending.nonce);
    expect(params.get('codeChallenge')).toBe(
      createHash('sha256').update(first.pending.codeVerifier).digest('base64url'),
    );
    expect(first.pending.returnTo).toBe('/expedientes/E-1');
    expect(second.pending.returnTo).toBe('/');
    for (const key of ['state', 'nonce', 'codeVerifier'] as const) {
      expect(first.pending[key]).toMatch(/^[\w-]{43}$/);
      expect(first.pending[key]).not.toBe(second.pending[key]);
    }
  });

  it('signs in with the code, the kept verifier and nonce, and a new CSRF token', async () => {
    const { pending } = await flow.begin('/');
    const login = await answer(pending, { code: 'codigo-bueno' });
    expect(provider.exchanged).toEqual([{ code: 'codigo-bueno', verifier: pending.codeVerifier }]);
    expect(provider.verifiedNonces).toEqual([pending.nonce]);
    expect(login.actor).toEqual({ userId: 'ana.tramitadora', roles: ['tramitador'] });
    expect(login.name).toBe('Ana García');
    expect(login.csrfToken).toMatch(/^[\w-]{43}$/);
    const other = await answer((await flow.begin('/')).pending, { code: 'codigo-bueno' });
    expect(other.csrfToken).not.toBe(login.csrfToken);
  });

  it.each([
    ['no sign-in under way', undefined, { state: 'x', code: 'codigo-bueno' }],
    ['another state', 'kept', { state: 'otro', code: 'codigo-bueno' }],
    ['the provider’s refusal', 'kept', { error: 'access_denied' }],
    ['no code', 'kept', {}],
    ['a code the provider refuses', 'kept', { code: 'codigo-usado' }],
  ])('refuses an answer with %s: 400, nothing exchanged', async (_case, kept, query) => {
    const { pending } = await flow.begin('/');
    const refused = flow.finish(kept ? pending : undefined, {
      state: pending.state,
      ...query,
    });
    await expect(refused).rejects.toBeInstanceOf(LoginFailedError);
    await expect(refused).rejects.toMatchObject({ problem: { status: 400 } });
    expect(provider.exchanged).toEqual([]);
  });

  it('refuses tokens whose ID token names somebody else', async () => {
    provider.idTokenSubject = 'otra.persona';
    const { pending } = await flow.begin('/');
    await expect(answer(pending, { code: 'codigo-bueno' })).rejects.toThrow(/different users/);
  });

  it.each([
    ['/expedientes?page=2', '/expedientes?page=2'],
    ['//malicioso.test/x', '/'],
    ['/\\malicioso.test', '/'],
    ['https://malicioso.test/', '/'],
    ['expedientes', '/'],
  ])('goes back to %s as %s, never to another site', (given, expected) => {
    expect(safeReturnPath(given)).toBe(expected);
  });
});

/** A session store that holds what the request read: no other replica refreshed it. */
const nothingNewer = async () => undefined;

/** The claims table, shared by the gateway instances that share one. */
class MemoryRefreshClaims implements RefreshClaims {
  private readonly claimed = new Set<string>();

  async claim(refreshToken: string): Promise<boolean> {
    if (this.claimed.has(refreshToken)) return false;
    this.claimed.add(refreshToken);
    return true;
  }

  async release(refreshToken: string): Promise<void> {
    this.claimed.delete(refreshToken);
  }
}

/**
 * A token endpoint as oidc-provider's: each refresh token works once and is replaced, and one
 * used again revokes the whole grant, every token issued under it.
 */
class GrantRevokingTokenEndpoint {
  calls = 0;
  revoked = false;
  unreachable = false;
  private readonly unspent = new Set<string>();
  private readonly spent = new Set<string>();
  private issued = 0;

  signIn(): TokenSet {
    return this.issue();
  }

  async refresh(tokens: TokenSet): Promise<TokenSet> {
    if (this.unreachable) throw new Error('connect ECONNREFUSED');
    this.calls += 1;
    await new Promise((done) => setImmediate(done));
    const token = tokens.refreshToken ?? '';
    if (this.spent.has(token)) this.revoked = true;
    if (this.revoked) throw new TokenRequestRefusedError('invalid_grant', 'grant revoked');
    if (!this.unspent.delete(token)) throw new TokenRequestRefusedError('invalid_grant', 'unknown');
    this.spent.add(token);
    return this.issue();
  }

  private issue(): TokenSet {
    this.issued += 1;
    const tokens = tokenSet(accessToken('ana.tramitadora', ['tramitador'], this.issued), 900_000);
    this.unspent.add(tokens.refreshToken as string);
    return tokens;
  }
}

describe('The browser session’s tokens, refreshed on the server', () => {
  let provider: FakeProvider;
  let now: number;
  let refresher: SessionRefresher;

  const login = (lifetimeMs = 900_000): SessionLogin => ({
    actor: { userId: 'ana.tramitadora', roles: ['tramitador'] },
    name: 'Ana García',
    tokens: tokenSet(accessToken('ana.tramitadora', ['tramitador']), lifetimeMs),
    csrfToken: 'csrf',
  });

  beforeEach(() => {
    provider = new FakeProvider();
    now = NOW;
    refresher = new SessionRefresher(async () => provider, identity, new MemoryRefreshClaims(), {
      now: () => now,
    });
  });

  it('keeps an access token with more than a minute (or a third of its life) left', async () => {
    const fresh = login();
    now = NOW + 900_000 - 61_000;
    await expect(refresher.current(fresh, nothingNewer)).resolves.toBe(fresh);
    const short = login(6_000);
    now = NOW + 3_900;
    await expect(refresher.current(short, nothingNewer)).resolves.toBe(short);
    expect(provider.refreshes).toBe(0);
  });

  it('refreshes one about to expire, with the roles the user has now', async () => {
    now = NOW + 900_000 - 30_000;
    const refreshed = await refresher.current(login(), nothingNewer);
    expect(provider.refreshes).toBe(1);
    expect(refreshed.tokens.accessToken).toBe(
      accessToken('ana.tramitadora', ['tramitador', 'validador'], 2),
    );
    expect(refreshed.actor.roles).toEqual(['tramitador', 'validador']);
    expect(refreshed.csrfToken).toBe('csrf');
  });

  it('spends a refresh token once: concurrent and late requests share the refresh', async () => {
    now = NOW + 900_000;
    const before = login();
    const [a, b] = await Promise.all([
      refresher.current(before, nothingNewer),
      refresher.current(before, nothingNewer),
    ]);
    const late = await refresher.current(before, nothingNewer); // read its session before the first saved it
    expect(provider.refreshes).toBe(1);
    expect(b).toBe(a);
    expect(late).toBe(a);
  });

  it('ends the session when the provider will not refresh it', async () => {
    provider.refuseRefresh = true;
    now = NOW + 900_000;
    await expect(refresher.current(login(), nothingNewer)).rejects.toBeInstanceOf(
      SessionEndedError,
    );
    const withoutRefreshToken = {
      ...login(),
      tokens: { ...login().tokens, refreshToken: undefined },
    };
    await expect(refresher.current(withoutRefreshToken, nothingNewer)).rejects.toBeInstanceOf(
      SessionEndedError,
    );
  });

  describe('by several gateway instances sharing the session store', () => {
    let endpoint: GrantRevokingTokenEndpoint;
    let claims: MemoryRefreshClaims;
    let saved: SessionLogin | undefined;
    const stored = async () => saved;
    const replica = (options: SessionRefresherOptions = {}, itsClaims = claims) =>
      new SessionRefresher(async () => endpoint, identity, itsClaims, {
        now: () => now,
        ...options,
      });
    /** A request of the session on one instance: what it gets is saved at once, as the strategy does. */
    const request = async (gateway: SessionRefresher, read: SessionLogin) => {
      const current = await gateway.current(read, stored);
      if (current !== read) saved = current;
      return current;
    };

    beforeEach(() => {
      endpoint = new GrantRevokingTokenEndpoint();
      claims = new MemoryRefreshClaims();
      saved = { ...login(), tokens: endpoint.signIn() };
    });

    it('spends the refresh token once: the one that claims it refreshes, the others take its tokens', async () => {
      const gateways = [replica(), replica(), replica()];
      const read = saved as SessionLogin; // every instance read the session before the refresh
      now = NOW + 900_000;

      const results = await Promise.all(gateways.map((gateway) => request(gateway, read)));

      expect(endpoint.calls).toBe(1);
      expect(endpoint.revoked).toBe(false);
      const second = accessToken('ana.tramitadora', ['tramitador'], 2);
      expect(results.map((result) => result.tokens.accessToken)).toEqual([second, second, second]);
      // The grant lives on: the session's next refresh works, on any instance.
      now += 900_000;
      const next = await request(gateways[2], saved as SessionLogin);
      expect(next.tokens.accessToken).toBe(accessToken('ana.tramitadora', ['tramitador'], 3));
      expect(endpoint.calls).toBe(2);
    });

    it('gives the request up, keeping the session, when the claimed refresh is never saved', async () => {
      const read = saved as SessionLogin;
      await claims.claim(read.tokens.refreshToken as string); // by an instance that is slow or died
      now = NOW + 900_000;
      await expect(replica({ waitForRefreshMs: 100 }).current(read, stored)).rejects.toBeInstanceOf(
        RefreshPendingError,
      );
      saved = undefined; // signed out meanwhile
      await expect(replica({ waitForRefreshMs: 100 }).current(read, stored)).rejects.toBeInstanceOf(
        SessionEndedError,
      );
      expect(endpoint.calls).toBe(0);
    });

    it('gives the claim back when the provider does not answer, so a later try refreshes', async () => {
      const read = saved as SessionLogin;
      now = NOW + 900_000;
      endpoint.unreachable = true;
      const failed = request(replica(), read);
      await expect(failed).rejects.toThrow('ECONNREFUSED');
      await expect(failed).rejects.not.toBeInstanceOf(SessionEndedError);
      endpoint.unreachable = false;
      const refreshed = await request(replica(), read);
      expect(refreshed.tokens.accessToken).toBe(accessToken('ana.tramitadora', ['tramitador'], 2));
      expect(endpoint.calls).toBe(1);
    });

    it('takes the tokens another instance saved when the provider calls the old one spent', async () => {
      // Instances that do not share the claims (one without them, in a rolling upgrade).
      const [one, other] = [1, 2].map(() => replica({}, new MemoryRefreshClaims()));
      const read = saved as SessionLogin;
      now = NOW + 900_000;

      const first = await request(one, read);
      const taken = await other.current(read, stored);
      expect(taken).toBe(first);
      expect(taken.tokens.accessToken).toBe(accessToken('ana.tramitadora', ['tramitador'], 2));

      // Nothing newer saved: the spent token ends the session as before.
      saved = read;
      const third = replica({}, new MemoryRefreshClaims());
      await expect(third.current(read, stored)).rejects.toBeInstanceOf(SessionEndedError);
    });
  });
});

describe('CSRF tokens', () => {
  it('are asked of the methods that change state only', () => {
    expect(['GET', 'HEAD', 'OPTIONS', 'get'].map(changesState)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(['POST', 'PATCH', 'PUT', 'DELETE'].map(changesState)).toEqual([true, true, true, true]);
  });

  it('match only the session’s own token', () => {
    expect(csrfTokenMatches('abc123', 'abc123')).toBe(true);
    expect(csrfTokenMatches('abc123', 'abc124')).toBe(false);
    expect(csrfTokenMatches('abc123', 'abc12')).toBe(false);
    expect(csrfTokenMatches('abc123', undefined)).toBe(false);
    expect(csrfTokenMatches('abc123', ['abc123'])).toBe(false);
  });
});
