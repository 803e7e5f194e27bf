import { randomBytes, randomUUID } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { JwtIdentityVerifier } from '@expedientes/shared-kernel/adapters/runtime';
import { declaredRoutes } from '@expedientes/shared-kernel/testing';
import { usersRouter } from '../../src/infrastructure/http/users-router';
import { Browser, formOf } from '../support/browser';
import { pkce, RelyingParty, TokenSet } from '../support/relying-party';
import { entryPoints, RunningAuth, startAuth, untilLogged } from '../support/running-auth';
import { openLoginPage as openLogin, signIn as signInWith } from '../support/sign-in';

export interface ScenarioInfrastructure {
  readonly entry: keyof typeof entryPoints;
  /** Where it keeps its data (and its keys): the same every time, so a restart finds them. */
  readonly env: Record<string, string>;
  dispose(): Promise<void>;
}

const gatewaySecret = randomBytes(32).toString('base64url');
const gatewayCallback = 'http://gateway.test/auth/callback';
const afterLogout = 'http://gateway.test/';
const admin = { username: 'marta.admin', password: 'contraseña de marta' };
const machine = {
  clientId: 'smoke-tests',
  secret: randomBytes(32).toString('base64url'),
  roles: ['tramitador', 'validador'],
};

/** The configuration a deployment gives it. */
const settings = {
  AUTH_GATEWAY_CLIENT_SECRET: gatewaySecret,
  AUTH_GATEWAY_REDIRECT_URIS: gatewayCallback,
  AUTH_GATEWAY_POST_LOGOUT_REDIRECT_URIS: afterLogout,
  AUTH_MACHINE_CLIENTS: JSON.stringify([machine]),
  AUTH_ADMIN_USER: admin.username,
  AUTH_ADMIN_PASSWORD: admin.password,
  // Behind a proxy, as in the distributed mode: the brake's tests pose as other addresses.
  AUTH_TRUST_PROXY: 'true',
  AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS: '8',
};

/**
 * The authorization server running for real on a port, driven as the gateway and a browser
 * without JavaScript would drive it, its tokens checked by the services' own verifier.
 */
export function authServerScenarios(
  name: string,
  open: () => Promise<ScenarioInfrastructure>,
): void {
  describe(name, () => {
    let stores: ScenarioInfrastructure;
    let auth: RunningAuth;
    let gateway: RelyingParty;
    let verifier: JwtIdentityVerifier;

    const start = async (port = 0) => {
      auth = await startAuth(stores.entry, { ...stores.env, ...settings }, port);
      gateway = await RelyingParty.discover(auth.issuer, {
        id: 'gateway',
        secret: gatewaySecret,
        redirectUri: gatewayCallback,
      });
      verifier = new JwtIdentityVerifier({
        issuer: auth.issuer,
        audience: 'expedientes-api',
        keys: new URL(gateway.discovery.jwks_uri),
      });
    };

    beforeAll(async () => {
      stores = await open();
      await start();
    });
    afterAll(async () => {
      await auth?.stop();
      await stores?.dispose();
    });

    const openLoginPage = (address?: string) => openLogin(auth.baseUrl, gateway, address);
    const signIn = async (username: string, password: string): Promise<TokenSet> =>
      signInWith(auth.baseUrl, gateway, { username, password });

    const api = async (path: string, token: string | null, init: RequestInit = {}) => {
      const response = await fetch(`${auth.baseUrl}${path}`, {
        ...init,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    const createUser = async (adminToken: string, username: string, roles: string[]) => {
      const password = `clave de ${username}`;
      const created = await api('/users', adminToken, {
        method: 'POST',
        body: JSON.stringify({ username, nombre: `Nombre de ${username}`, password, roles }),
      });
      expect(created.status).toBe(201);
      return password;
    };

    it('publishes its endpoints under the issuer, and only public keys', async () => {
      const { discovery } = gateway;
      expect(discovery).toMatchObject({
        issuer: auth.issuer,
        authorization_endpoint: `${auth.issuer}/authorize`,
        token_endpoint: `${auth.issuer}/token`,
        jwks_uri: `${auth.issuer}/jwks`,
        end_session_endpoint: `${auth.issuer}/logout`,
      });
      const jwks = (await (await fetch(discovery.jwks_uri)).json()) as {
        keys: Array<Record<string, unknown>>;
      };
      expect(jwks.keys.length).toBeGreaterThan(0);
      for (const key of jwks.keys) expect(key).not.toHaveProperty('d');

      // Every endpoint it advertises is the provider's own, not the host's fall-through.
      const advertised = Object.entries(discovery).filter(
        ([name]) => name.endsWith('_endpoint') || name === 'jwks_uri',
      );
      for (const [name, url] of advertised) {
        const response = await fetch(url as string);
        await response.arrayBuffer();
        expect([name, response.headers.get('content-type')]).not.toEqual([
          name,
          expect.stringContaining('application/problem+json'),
        ]);
      }
    });

    it('sends headers that keep its answers from being framed or sniffed, discovery included', async () => {
      for (const path of ['/.well-known/openid-configuration', '/jwks', '/token']) {
        const response = await fetch(`${auth.issuer}${path}`);
        await response.arrayBuffer();
        expect({
          path,
          csp: response.headers.get('content-security-policy'),
          nosniff: response.headers.get('x-content-type-options'),
          frame: response.headers.get('x-frame-options'),
          referrer: response.headers.get('referrer-policy'),
        }).toEqual({
          path,
          csp: expect.stringContaining("frame-ancestors 'none'"),
          nosniff: 'nosniff',
          frame: 'DENY',
          referrer: 'no-referrer',
        });
      }
    });

    it('gives a machine client a signed JWT with its roles, which the services accept', async () => {
      const party = await RelyingParty.discover(auth.issuer, {
        id: machine.clientId,
        secret: machine.secret,
      });
      const { status, body } = await party.clientCredentials();
      expect(status).toBe(200);
      expect(body.token_type).toBe('Bearer');
      expect(body.expires_in).toBeLessThanOrEqual(900);
      expect(decodeProtectedHeader(body.access_token)).toMatchObject({
        alg: 'RS256',
        typ: 'at+jwt',
      });
      await expect(verifier.verify(body.access_token)).resolves.toEqual({
        userId: 'smoke-tests',
        roles: ['tramitador', 'validador'],
      });
    });

    it('refuses a machine client with the wrong secret', async () => {
      const party = await RelyingParty.discover(auth.issuer, {
        id: machine.clientId,
        secret: 'not-the-secret',
      });
      const { status, body } = await party.clientCredentials();
      expect(status).toBe(401);
      expect(body.error).toBe('invalid_client');
    });

    it('brakes guessing a client secret: 429 once a client failed too often, never a busy one', async () => {
      // A client id of its own: a lock here locks nobody else of the suite.
      const guessed = await RelyingParty.discover(auth.issuer, {
        id: `adivinado-${randomUUID().slice(0, 8)}`,
        secret: 'not-the-secret',
      });
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 8; attempt++) {
        statuses.push((await guessed.clientCredentials()).status);
      }
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses.at(-1)).toBe(429);
      const locked = await guessed.clientCredentials();
      expect(locked.body).toMatchObject({ error: 'invalid_client' });

      // The real client, many times at once: its successes count for nothing.
      const real = await RelyingParty.discover(auth.issuer, {
        id: machine.clientId,
        secret: machine.secret,
      });
      const answers = await Promise.all(Array.from({ length: 12 }, () => real.clientCredentials()));
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    });

    it('signs a user in through the login page (code + PKCE), with their roles, and refreshes', async () => {
      const { page } = await openLoginPage();
      expect(page.status).toBe(200);
      expect(page.body).toContain('<html lang="es">');
      expect(page.body).toContain('Contraseña');
      expect(page.body).not.toContain('<script');

      const tokens = await signIn(admin.username, admin.password);
      expect(tokens.id_token).toBeDefined();
      await expect(verifier.verify(tokens.access_token)).resolves.toEqual({
        userId: admin.username,
        roles: ['admin'],
      });

      const adminToken = tokens.access_token;
      const password = await createUser(adminToken, 'ana.tramitadora', ['tramitador']);
      const ana = await signIn('Ana.Tramitadora', password);
      await expect(verifier.verify(ana.access_token)).resolves.toEqual({
        userId: 'ana.tramitadora',
        roles: ['tramitador'],
      });

      const refreshed = await gateway.refresh(ana.refresh_token as string);
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.refresh_token).toBeDefined();
      expect(refreshed.body.refresh_token).not.toBe(ana.refresh_token); // rotated
      await expect(verifier.verify(refreshed.body.access_token)).resolves.toEqual({
        userId: 'ana.tramitadora',
        roles: ['tramitador'],
      });
    });

    it('requires PKCE, and the verifier that goes with the challenge', async () => {
      const browser = new Browser([auth.baseUrl]);
      const { redirectedTo } = await browser.get(gateway.authorizationUrl({ state: 'sin-pkce' }));
      expect(redirectedTo?.searchParams.get('error')).toBe('invalid_request');
      expect(redirectedTo?.searchParams.get('error_description')).toMatch(/PKCE/);

      const { submit } = await openLoginPage();
      const code = (await submit(admin)).redirectedTo?.searchParams.get('code') as string;
      const stolen = await gateway.exchangeCode(code, pkce().verifier);
      expect(stolen.status).toBe(400);
      expect(stolen.body.error).toBe('invalid_grant');
    });

    it('refuses a wrong password on the login page, and issues nothing', async () => {
      const { submit } = await openLoginPage();
      const refused = await submit({ username: admin.username, password: 'no es la contraseña' });
      expect(refused.status).toBe(401);
      expect(refused.redirectedTo).toBeUndefined();
      expect(refused.body).toContain('Usuario o contraseña incorrectos');
      expect(refused.body).toContain(`value="${admin.username}"`);

      const unknown = await submit({ username: 'nadie', password: 'no es la contraseña' });
      expect(unknown.status).toBe(401);
      expect(unknown.body).toContain('Usuario o contraseña incorrectos');
    });

    describe('brakes password guessing', () => {
      const tooMany = 'Demasiados intentos; vuelva a intentarlo en 15 minutos';
      const wrong = 'no es su contraseña';
      let adminToken: string;
      beforeAll(async () => {
        adminToken = (await signIn(admin.username, admin.password)).access_token;
      });

      /** `times` wrong passwords for `username` from `address`: each refused as such. */
      const fail = async (username: string, address: string, times: number) => {
        const { submit } = await openLoginPage(address);
        for (let time = 0; time < times; time += 1) {
          const refused = await submit({ username, password: wrong });
          expect([refused.status, refused.body]).toEqual([
            401,
            expect.stringContaining('Usuario o contraseña incorrectos'),
          ]);
        }
      };
      const attempt = async (address: string, credentials: typeof admin) =>
        (await openLoginPage(address)).submit(credentials);
      const signedIn = (visit: { redirectedTo?: URL }) =>
        expect(visit.redirectedTo?.searchParams.get('code')).toBeTruthy();

      it('locks a username after five failures, with 429 in Spanish, and no other', async () => {
        const rosa = {
          username: 'rosa.intentos',
          password: await createUser(adminToken, 'rosa.intentos', ['tramitador']),
        };
        const tomas = {
          username: 'tomas.intentos',
          password: await createUser(adminToken, 'tomas.intentos', ['tramitador']),
        };
        await fail(rosa.username, '198.51.100.1', 5);

        // Not even the right password now, nor from another address.
        for (const address of ['198.51.100.1', '198.51.100.9']) {
          const locked = await attempt(address, rosa);
          expect(locked.status).toBe(429);
          expect(locked.redirectedTo).toBeUndefined();
          expect(locked.body).toContain(tooMany);
          expect(locked.body).toContain(`value="${rosa.username}"`);
        }
        signedIn(await attempt('198.51.100.1', tomas));

        const logged = auth.logs.filter(
          (line) => line.msg === 'sign-in refused: too many attempts',
        );
        expect(logged).toEqual([
          expect.objectContaining({
            level: 'warn',
            username: rosa.username,
            address: '198.51.100.1',
            minutos: 15,
          }),
          expect.objectContaining({ address: '198.51.100.9' }),
        ]);
        expect(JSON.stringify(auth.logs)).not.toContain(wrong);
        expect(JSON.stringify(auth.logs)).not.toContain(rosa.password);
      });

      it('starts a username afresh once its password is right', async () => {
        const pablo = {
          username: 'pablo.intentos',
          password: await createUser(adminToken, 'pablo.intentos', ['validador']),
        };
        await fail(pablo.username, '198.51.100.2', 4);
        signedIn(await attempt('198.51.100.2', pablo));
        // Another address, whose budget is its own: eight failures of the username in all.
        await fail(pablo.username, '198.51.100.5', 4);
        signedIn(await attempt('198.51.100.5', pablo));
      });

      it('locks an address after its budget, whatever usernames it tries', async () => {
        // The proxy adds the address it sees last; what the client puts before it is not believed.
        for (let time = 1; time <= 8; time += 1) {
          await fail(`nadie.${time}`, `10.0.0.${time}, 198.51.100.3`, 1);
        }
        const locked = await attempt('10.0.0.9, 198.51.100.3', admin);
        expect(locked.status).toBe(429);
        expect(locked.body).toContain(tooMany);
        signedIn(await attempt('198.51.100.4', admin));
      });
    });

    it('refuses a login form posted without the browser that opened it (no cookies)', async () => {
      const { page } = await openLoginPage();
      const form = formOf(page.body, page.url);
      const elsewhere = new Browser([auth.baseUrl]);
      const forged = await elsewhere.submit(form.action, admin);
      expect(forged.status).toBe(400);
      expect(forged.redirectedTo).toBeUndefined();
      expect(forged.body).toContain('ha caducado');
    });

    it("ends, with an administrator's reset, the refresh tokens the old password got", async () => {
      const { access_token: adminToken } = await signIn(admin.username, admin.password);
      const password = await createUser(adminToken, 'rosa.robada', ['tramitador']);
      const before = await signIn('rosa.robada', password);
      // iat has whole seconds: a reset in the second of the sign-in would end it anyway.
      await new Promise((done) => setTimeout(done, 1_100));
      const reset = await api('/users/rosa.robada/password', adminToken, {
        method: 'POST',
        body: JSON.stringify({ password: 'provisional de rosa' }),
      });
      expect(reset.status).toBe(200);
      const refresh = await gateway.refresh(before.refresh_token as string);
      expect([refresh.status, refresh.body.error]).toEqual([400, 'invalid_grant']);
      // What she signs in with from now on works, the provisional password first.
      const { submit } = await openLoginPage();
      const asked = await submit({ username: 'rosa.robada', password: 'provisional de rosa' });
      expect(asked.body).toContain('Elija una contraseña nueva');
    });

    it('refuses a disabled user, and the refresh tokens they already had', async () => {
      const { access_token: adminToken } = await signIn(admin.username, admin.password);
      const password = await createUser(adminToken, 'pepe.baja', ['validador']);
      const before = await signIn('pepe.baja', password);

      expect(
        (await api('/users/pepe.baja/disable', adminToken, { method: 'POST' })).body,
      ).toMatchObject({
        activo: false,
      });
      const refresh = await gateway.refresh(before.refresh_token as string);
      expect(refresh.status).toBe(400);
      expect(refresh.body.error).toBe('invalid_grant');

      const { submit } = await openLoginPage();
      const refused = await submit({ username: 'pepe.baja', password });
      expect(refused.status).toBe(403);
      expect(refused.body).toContain('deshabilitada');

      await api('/users/pepe.baja/enable', adminToken, { method: 'POST' });
      await expect(signIn('pepe.baja', password)).resolves.toHaveProperty('access_token');
    });

    describe('provisional passwords', () => {
      const provisional = 'provisional de hoy';
      let adminToken: string;
      beforeAll(async () => {
        adminToken = (await signIn(admin.username, admin.password)).access_token;
      });
      const reset = (username: string, token: string, body: unknown) =>
        api(`/users/${username}/password`, token, { method: 'POST', body: JSON.stringify(body) });

      /** A new user, given a provisional password, at the page where they must replace it. */
      const atChangePage = async (username: string, address: string) => {
        await createUser(adminToken, username, ['validador']);
        expect((await reset(username, adminToken, { password: provisional })).status).toBe(200);
        const login = await openLoginPage(address);
        const change = await login.submit({ username, password: provisional });
        const form = formOf(change.body, change.url);
        const post = (fields: Record<string, string>) =>
          login.browser.submit(form.action, { ...form.fields, ...fields });
        return { ...login, change, form, post };
      };

      it('are given by administrators only, to users who exist, and acceptable', async () => {
        const password = await createUser(adminToken, 'irene.olvido', ['tramitador']);
        const irene = await signIn('irene.olvido', password);

        const refused = await reset('irene.olvido', irene.access_token, { password: provisional });
        expect([refused.status, refused.body.code]).toEqual([403, 'AUTH.FORBIDDEN']);
        const missing = await reset('nadie', adminToken, { password: provisional });
        expect([missing.status, missing.body.code]).toEqual([404, 'AUTH.USER_NOT_FOUND']);
        const weak = await reset('irene.olvido', adminToken, { password: 'corta' });
        expect([weak.status, weak.body.code]).toEqual([400, 'AUTH.WEAK_PASSWORD']);
        const shapeless = await reset('irene.olvido', adminToken, { clave: provisional });
        expect([shapeless.status, shapeless.body.errors]).toEqual([
          400,
          [expect.objectContaining({ field: 'password' })],
        ]);
        await expect(signIn('irene.olvido', password)).resolves.toHaveProperty('access_token');

        const given = await reset('Irene.Olvido', adminToken, { password: provisional });
        expect(given).toEqual({
          status: 200,
          body: {
            username: 'irene.olvido',
            nombre: 'Nombre de irene.olvido',
            roles: ['tramitador'],
            activo: true,
            debeCambiarContrasena: true,
            creadoAt: expect.any(String),
          },
        });
        const list = await api('/users', adminToken);
        expect(
          (list.body.usuarios as Array<Record<string, unknown>>).find(
            (usuario) => usuario.username === 'irene.olvido',
          ),
        ).toMatchObject({ debeCambiarContrasena: true });
      });

      it('sign the user in only once they chose a new one, which replaces it', async () => {
        const nueva = 'solo sara la sabe';
        const address = '198.51.100.20';
        const {
          change,
          form,
          post,
          state,
          verifier: codeVerifier,
        } = await atChangePage('sara.provisional', address);
        expect(change.status).toBe(200);
        expect(change.redirectedTo).toBeUndefined();
        expect(change.body).toContain('Elija una contraseña nueva');
        expect(change.body).toContain('contraseña provisional');
        expect(change.body).not.toContain(provisional);
        expect(change.body).not.toContain('<script');
        expect(form.action.pathname).toMatch(/^\/auth\/interaction\/[^/]+\/password$/);
        expect(form.fields).toEqual({ username: 'sara.provisional' });

        const refusals = [
          [
            { password: provisional, newPassword: nueva, newPasswordAgain: 'otra' },
            422,
            'no coinciden',
          ],
          [
            { password: provisional, newPassword: provisional, newPasswordAgain: provisional },
            422,
            'distinta de la actual',
          ],
          [
            { password: provisional, newPassword: 'corta', newPasswordAgain: 'corta' },
            422,
            'al menos 8 caracteres',
          ],
          [
            { password: 'no es la provisional', newPassword: nueva, newPasswordAgain: nueva },
            401,
            'Usuario o contraseña incorrectos',
          ],
        ] as const;
        for (const [fields, status, message] of refusals) {
          const refused = await post(fields);
          expect([refused.status, refused.redirectedTo]).toEqual([status, undefined]);
          expect(refused.body).toContain('Elija una contraseña nueva');
          expect(refused.body).toContain(message);
          expect(refused.body).toContain('value="sara.provisional"');
        }

        const done = await post({
          password: provisional,
          newPassword: nueva,
          newPasswordAgain: nueva,
        });
        expect(done.redirectedTo?.searchParams.get('state')).toBe(state);
        const code = done.redirectedTo?.searchParams.get('code') as string;
        const tokens = await gateway.exchangeCode(code, codeVerifier);
        expect(tokens.status).toBe(200);
        await expect(verifier.verify(tokens.body.access_token)).resolves.toEqual({
          userId: 'sara.provisional',
          roles: ['validador'],
        });

        const old = await (
          await openLoginPage(address)
        ).submit({
          username: 'sara.provisional',
          password: provisional,
        });
        expect([old.status, old.redirectedTo]).toEqual([401, undefined]);
        await expect(signIn('sara.provisional', nueva)).resolves.toHaveProperty('access_token');

        await untilLogged(auth, {
          msg: 'password changed at sign-in',
          username: 'sara.provisional',
          address,
        });
        expect(JSON.stringify(auth.logs)).not.toContain(provisional);
        expect(JSON.stringify(auth.logs)).not.toContain(nueva);
      });

      it('brakes guessing the provisional password at the change page too', async () => {
        const { post } = await atChangePage('raul.provisional', '198.51.100.21');
        const nueva = 'la nueva de raul';
        const wrong = {
          password: 'no es la provisional',
          newPassword: nueva,
          newPasswordAgain: nueva,
        };
        for (let time = 0; time < 5; time += 1) expect((await post(wrong)).status).toBe(401);

        const locked = await post({ ...wrong, password: provisional });
        expect(locked.status).toBe(429);
        expect(locked.headers.get('retry-after')).toBe('900');
        expect(locked.body).toContain('Elija una contraseña nueva');
        expect(locked.body).toContain('Demasiados intentos; vuelva a intentarlo en 15 minutos');
        await untilLogged(auth, {
          level: 'warn',
          msg: 'password change refused: too many attempts',
          username: 'raul.provisional',
        });
      });
    });

    it('lets administrators, and nobody else, manage the users', async () => {
      const { access_token: adminToken } = await signIn(admin.username, admin.password);
      const password = await createUser(adminToken, 'luis.validador', ['validador']);
      const luis = await signIn('luis.validador', password);

      expect((await api('/users', null)).status).toBe(401);
      const refused = await api('/users', luis.access_token);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('AUTH.FORBIDDEN');
      // No oracle either: the same refusal whether the user exists or not.
      for (const username of [admin.username, 'nadie']) {
        const probe = await api(`/users/${username}/disable`, luis.access_token, {
          method: 'POST',
        });
        expect([probe.status, probe.body.code]).toEqual([403, 'AUTH.FORBIDDEN']);
      }

      const list = await api('/users', adminToken);
      expect(list.status).toBe(200);
      const usuarios = list.body.usuarios as Array<Record<string, unknown>>;
      expect(usuarios.find((u) => u.username === 'luis.validador')).toMatchObject({
        nombre: 'Nombre de luis.validador',
        roles: ['validador'],
        activo: true,
      });
      for (const usuario of usuarios) expect(usuario).not.toHaveProperty('passwordHash');

      const duplicate = await api('/users', adminToken, {
        method: 'POST',
        body: JSON.stringify({
          username: 'luis.validador',
          nombre: 'Otro',
          password: 'otra contraseña',
          roles: ['tramitador'],
        }),
      });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.code).toBe('AUTH.USER_EXISTS');
      const invalid = await api('/users', adminToken, {
        method: 'POST',
        body: JSON.stringify({ username: 'x', roles: 'admin' }),
      });
      expect(invalid.status).toBe(400);
      expect(invalid.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'roles' })]),
      );
      const unknownRole = await api('/users/luis.validador/roles', adminToken, {
        method: 'PUT',
        body: JSON.stringify({ roles: ['jefe'] }),
      });
      expect(unknownRole.status).toBe(400);
      expect(unknownRole.body.code).toBe('AUTH.UNKNOWN_ROLE');
      const missing = await api('/users/nadie/roles', adminToken, {
        method: 'PUT',
        body: JSON.stringify({ roles: ['tramitador'] }),
      });
      expect(missing.status).toBe(404);
      const lastAdmin = await api(`/users/${admin.username}/disable`, adminToken, {
        method: 'POST',
      });
      expect(lastAdmin.status).toBe(409);
      expect(lastAdmin.body.code).toBe('AUTH.LAST_ADMIN');

      const promoted = await api('/users/luis.validador/roles', adminToken, {
        method: 'PUT',
        body: JSON.stringify({ roles: ['validador', 'admin'] }),
      });
      expect(promoted.body).toMatchObject({ roles: ['validador', 'admin'] });
      // The new roles reach the next access token, at the latest on refresh.
      const refreshed = await gateway.refresh(luis.refresh_token as string);
      await expect(verifier.verify(refreshed.body.access_token)).resolves.toEqual({
        userId: 'luis.validador',
        roles: ['validador', 'admin'],
      });
      expect((await api('/users', refreshed.body.access_token)).status).toBe(200);
    });

    it('admits to every route of the user management, as declared, administrators only; the directory to all', async () => {
      // The router's own tables: a route added later is in this matrix without anyone listing it.
      const routes = declaredRoutes(usersRouter({} as Parameters<typeof usersRouter>[0]));
      expect(routes.length).toBeGreaterThanOrEqual(6);
      const { access_token: adminToken } = await signIn(admin.username, admin.password);
      await createUser(adminToken, 'matriz.objetivo', ['tramitador']);
      // Who is who is for everyone with a role; the rest is the administrators'.
      const forEveryone = new Set(['GET /people']);
      const callers: Array<[string, string | null, 'served' | 401 | 403]> = [
        ['nobody', null, 401],
        ['admin', adminToken, 'served'],
      ];
      // (Every user has a role: one without any cannot be made.)
      for (const rol of ['tramitador', 'validador']) {
        const username = `matriz.${rol}`;
        const password = await createUser(adminToken, username, [rol]);
        callers.push([username, (await signIn(username, password)).access_token, 403]);
      }
      const wrong: string[] = [];
      for (const route of routes) {
        const path = route.path.replace(':username', 'matriz.objetivo');
        for (const [caller, token, owedOfUsers] of callers) {
          // An empty body: the refusal comes before it is read; a served call refuses it (400).
          const init = route.method === 'GET' ? {} : { method: route.method, body: '{}' };
          const { status } = await api(path, token, init);
          const owed =
            token && forEveryone.has(`${route.method} ${route.path}`) ? 'served' : owedOfUsers;
          const asOwed = owed === 'served' ? status !== 401 && status !== 403 : status === owed;
          if (!asOwed)
            wrong.push(`${route.method} ${route.path} as ${caller}: ${status}, owed ${owed}`);
        }
      }
      expect(wrong).toEqual([]);

      // The directory says who is who, and nothing more: no roles, no state, no hash.
      const { body } = await api('/people', callers[2][1]);
      const personas = body.personas as Array<Record<string, unknown>>;
      expect(personas).toContainEqual({
        username: 'matriz.objetivo',
        nombre: 'Nombre de matriz.objetivo',
      });
      for (const persona of personas)
        expect(Object.keys(persona).sort()).toEqual(['nombre', 'username']);
    });

    it('ends the session on logout: its refresh token stops working', async () => {
      const browser = new Browser([auth.baseUrl]);
      const { verifier: codeVerifier, challenge } = pkce();
      const page = await browser.get(gateway.authorizationUrl({ state: 'salir', challenge }));
      const signedIn = await browser.submit(formOf(page.body, page.url).action, admin);
      const code = signedIn.redirectedTo?.searchParams.get('code') as string;
      const tokens = (await gateway.exchangeCode(code, codeVerifier)).body;

      const logout = new URL(gateway.discovery.end_session_endpoint);
      logout.search = new URLSearchParams({
        id_token_hint: tokens.id_token as string,
        post_logout_redirect_uri: afterLogout,
        state: 'adios',
      }).toString();
      const confirm = await browser.get(logout);
      expect(confirm.status).toBe(200);
      expect(confirm.body).toContain('¿Quiere cerrar la sesión?');
      const form = formOf(confirm.body, confirm.url);
      const done = await browser.submit(form.action, { ...form.fields, logout: 'yes' });
      expect(done.redirectedTo?.href).toBe(`${afterLogout}?state=adios`);

      const refresh = await gateway.refresh(tokens.refresh_token as string);
      expect(refresh.status).toBe(400);
      expect(refresh.body.error).toBe('invalid_grant');
    });

    it('keeps keys and sessions across a restart', async () => {
      const before = await signIn(admin.username, admin.password);
      await auth.stop();
      await start(auth.port);

      await expect(verifier.verify(before.access_token)).resolves.toMatchObject({
        userId: admin.username,
      });
      const refreshed = await gateway.refresh(before.refresh_token as string);
      expect(refreshed.status).toBe(200);
      await expect(verifier.verify(refreshed.body.access_token)).resolves.toEqual({
        userId: admin.username,
        roles: ['admin'],
      });
    });
  });
}
