import { randomBytes } from 'node:crypto';
import { Browser, StoredCookie, Visit } from './browser';

/** A platform with its gateway, its authorization server at /auth, and who may sign in. */
export interface LoginPlatform {
  /** Where browsers reach it (PUBLIC_URL). */
  readonly publicUrl: string;
  /** The first administrator (AUTH_ADMIN_USER, AUTH_ADMIN_PASSWORD). */
  readonly admin: { readonly username: string; readonly password: string };
  /** A client-credentials client of AUTH_MACHINE_CLIENTS, role admin. */
  readonly machine: { readonly clientId: string; readonly secret: string };
  /** ACCESS_TOKEN_TTL_SECONDS: short, so the session outlives its first access token. */
  readonly accessTokenSeconds: number;
  /**
   * Whether the services run behind the gateway. Without them, a request the gateway lets
   * through ends in a 503 from the service it calls, instead of doing its work.
   */
  readonly withServices: boolean;
}

export const SESSION_COOKIE = 'expedientes.sid';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const pdf = (): File =>
  new File([Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(2048)])], 'solicitud.pdf', {
    type: 'application/pdf',
  });

const codigoNuevo = (): string => `WEB-${randomBytes(4).toString('hex').toUpperCase()}`;

const expedienteForm = (codigo: string): FormData => {
  const form = new FormData();
  form.append('codigo', codigo);
  form.append('opcionInicial', 'SEDE_ELECTRONICA');
  form.append('descripcion', `Solicitud ${codigo}`);
  form.append('files', pdf());
  return form;
};

/** What a request the gateway let through got: its work done, or the absent service's 503. */
const expectLetThrough = (reply: Visit, withServices: boolean) => {
  if (withServices) {
    expect(reply.status).toBe(201);
  } else {
    expect(reply.status).toBe(503);
    expect(reply.json().code).toBe('API.SERVICE_UNAVAILABLE');
  }
};

/**
 * The web UI's way in, end to end, with an HTTP client that keeps cookies and follows
 * redirects as a browser does: /login, the authorization server's login form, back to the
 * gateway with a session cookie (and no token in the browser), the API with that cookie and
 * the CSRF token, the access token refreshed on the server, logout from both sessions; and a
 * machine client's bearer token beside it.
 */
export function browserLoginScenario(platform: () => LoginPlatform): void {
  const browser = new Browser();
  const url = (path: string) => `${platform().publicUrl}${path}`;
  let csrfToken = '';
  let sessionCookie: StoredCookie | undefined;

  it('keeps the API closed to a browser that has not signed in: 401', async () => {
    const reply = await browser.get(url('/api/v1/me'));
    expect(reply.status).toBe(401);
    expect(reply.json()).toMatchObject({ status: 401, code: 'AUTH.UNAUTHENTICATED' });
  });

  it('signs the administrator in through the login form, leaving only a session cookie', async () => {
    const { admin } = platform();
    const page = await browser.get(url('/login?returnTo=/api/v1/me'));
    expect(page.status).toBe(200);
    expect(page.url).toMatch(new RegExp(`^${url('/auth/interaction/')}`));
    expect(page.body).toContain('Contraseña');
    const beforeSignIn = browser.cookie(SESSION_COOKIE)?.value;
    expect(beforeSignIn).toBeDefined(); // what checks the answer (state, nonce, PKCE) is kept

    const me = await browser.submit(page, admin);
    expect(me.redirects).toContainEqual(
      expect.stringMatching(new RegExp(`^${url('/login/callback')}\\?code=`)),
    );
    expect(me.url).toBe(url('/api/v1/me'));
    expect(me.status).toBe(200);
    const body = me.json();
    expect(body).toMatchObject({ username: admin.username, roles: ['admin'] });
    expect(body.name).toEqual(expect.any(String));
    expect(body.csrfToken).toEqual(expect.any(String));
    expect(Object.keys(body).sort()).toEqual(['csrfToken', 'limites', 'name', 'roles', 'username']);
    csrfToken = body.csrfToken;

    sessionCookie = browser.cookie(SESSION_COOKIE);
    expect(sessionCookie).toBeDefined();
    expect(sessionCookie?.value).not.toBe(beforeSignIn); // a new session id once signed in
    expect(sessionCookie?.attributes).toHaveProperty('httponly');
    expect(sessionCookie?.attributes.samesite).toBe('Lax');
    expect(sessionCookie?.attributes).not.toHaveProperty('secure'); // http here
    expect(sessionCookie?.path).toBe('/');
    expect(decodeURIComponent(sessionCookie?.value ?? '')).not.toMatch(/eyJ/); // no JWT in it
  });

  it('lets a state-changing request with the cookie and its CSRF token through', async () => {
    const reply = await browser.visit(url('/api/v1/expedientes'), {
      method: 'POST',
      headers: { 'x-csrf-token': csrfToken },
      body: expedienteForm(codigoNuevo()),
    });
    expectLetThrough(reply, platform().withServices);
  });

  it('refuses a state-changing request with the cookie but without its CSRF token: 403', async () => {
    const codigo = codigoNuevo();
    const without = await browser.visit(url('/api/v1/expedientes'), {
      method: 'POST',
      body: expedienteForm(codigo),
    });
    expect(without.status).toBe(403);
    expect(without.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(without.json()).toMatchObject({ status: 403, code: 'AUTH.CSRF' });

    const forged = await browser.visit(url('/api/v1/expedientes/cualquiera/transitions'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': `${csrfToken}x` },
      body: JSON.stringify({ hacia: 'ANALISIS_TECNICO' }),
    });
    expect(forged.status).toBe(403);
    expect(forged.json().code).toBe('AUTH.CSRF');

    if (platform().withServices) {
      const list = await browser.get(url(`/api/v1/expedientes?q=${codigo}`));
      expect(list.status).toBe(200);
      expect(list.json().total).toBe(0);
    }
  });

  it("lets the administrator's session manage users at /api/v1/users, provisional passwords included", async () => {
    const users = (method: string, path: string, body?: unknown) =>
      browser.visit(url(`/api/v1/users${path}`), {
        method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const username = `irene.${randomBytes(3).toString('hex')}`;
    const provisional = 'provisional de irene';
    const nueva = {
      username,
      nombre: 'Irene Validadora',
      password: 'primera de irene',
      roles: ['tramitador'],
    };
    const created = await users('POST', '', nueva);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/users/${username}`);
    expect(created.json()).toMatchObject({ username, activo: true, debeCambiarContrasena: false });
    expect((await users('POST', '', { ...nueva, password: 'otra cualquiera' })).status).toBe(409);
    const provisionalFromTheStart = await users('POST', '', {
      ...nueva,
      username: `${username}.b`,
      debeCambiarContrasena: true,
    });
    expect(provisionalFromTheStart.json()).toMatchObject({ debeCambiarContrasena: true });

    const changed = await users('PATCH', `/${username}`, { roles: ['validador'] });
    expect(changed.status).toBe(200);
    expect(changed.json().roles).toEqual(['validador']);
    const reset = await users('POST', `/${username}/password`, { password: provisional });
    expect(reset.status).toBe(200);
    expect(reset.json().debeCambiarContrasena).toBe(true);
    const listed = (await browser.get(url('/api/v1/users'))).json().usuarios;
    expect(listed).toContainEqual(expect.objectContaining({ username, roles: ['validador'] }));
    // The last enabled administrator stays one.
    const lastAdmin = await users('PATCH', `/${platform().admin.username}`, { activo: false });
    expect(lastAdmin.status).toBe(409);

    // Her provisional password leads to auth's page for a new one, and then in.
    const irene = new Browser();
    const asked = await irene.submit(await irene.get(url('/login?returnTo=/api/v1/me')), {
      username,
      password: provisional,
    });
    expect(asked.status).toBe(200);
    expect(asked.body).toContain('Elija una contraseña nueva');
    const chosen = 'la nueva de irene';
    const mismatch = await irene.submit(asked, {
      password: provisional,
      newPassword: chosen,
      newPasswordAgain: `${chosen}!`,
    });
    expect(mismatch.status).toBe(422);
    const me = await irene.submit(mismatch, {
      password: provisional,
      newPassword: chosen,
      newPasswordAgain: chosen,
    });
    expect(me.url).toBe(url('/api/v1/me'));
    expect(me.json()).toMatchObject({ username, roles: ['validador'] });
    const after = (await browser.get(url('/api/v1/users'))).json().usuarios;
    expect(after).toContainEqual(
      expect.objectContaining({ username, debeCambiarContrasena: false }),
    );
    // Who is who, for Irene too (a validador now): names, nothing more.
    const people = await irene.get(url('/api/v1/people'));
    expect(people.status).toBe(200);
    expect(people.json().personas).toContainEqual({ username, nombre: 'Irene Validadora' });
  });

  it('keeps the session going past its access token, refreshed on the server', async () => {
    await sleep(platform().accessTokenSeconds * 1000 + 500);
    const me = await browser.get(url('/api/v1/me'));
    expect(me.status).toBe(200);
    expect(me.json()).toMatchObject({ username: platform().admin.username, csrfToken });
    if (platform().withServices) {
      // The services check the forwarded token themselves: an expired one would be a 401.
      const list = await browser.get(url('/api/v1/expedientes'));
      expect(list.status).toBe(200);
    }
  });

  it("takes a machine client's client-credentials token as a bearer, with no CSRF token", async () => {
    const { machine, withServices } = platform();
    const basic = Buffer.from(`${machine.clientId}:${machine.secret}`).toString('base64');
    const issued = await fetch(url('/auth/token'), {
      method: 'POST',
      headers: { authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    expect(issued.status).toBe(200);
    const { access_token: token } = (await issued.json()) as { access_token: string };
    const bearer = new Browser();
    const me = await bearer.get(url('/api/v1/me'), { authorization: `Bearer ${token}` });
    expect(me.status).toBe(200);
    expect(me.json()).toEqual({
      username: machine.clientId,
      name: null,
      roles: ['admin'],
      limites: { tamanoMaximoDeArchivo: expect.any(Number) },
    });
    const opened = await bearer.visit(url('/api/v1/expedientes'), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: expedienteForm(codigoNuevo()),
    });
    expectLetThrough(opened, withServices);
  });

  it('does not log out without the CSRF token', async () => {
    const refused = await browser.visit(url('/logout'), { method: 'POST' });
    expect(refused.status).toBe(403);
    expect((await browser.get(url('/api/v1/me'))).status).toBe(200);
  });

  it('logs out of both sessions: the cookie stops working, and /login asks for the password', async () => {
    const confirm = await browser.visit(url('/logout'), {
      method: 'POST',
      body: new URLSearchParams({ csrf: csrfToken }),
    });
    const endSession = new URL(confirm.redirects[0]);
    expect(endSession.href.startsWith(url('/auth/logout?'))).toBe(true);
    expect(endSession.searchParams.get('id_token_hint')).toBeTruthy();
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(url('/'));
    expect(browser.cookie(SESSION_COOKIE)).toBeUndefined();
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain('cerrar la sesión');
    const done = await browser.submit(confirm, { logout: 'yes' });
    expect(done.redirects.at(-1)).toBe(url('/'));

    const stolen = new Browser();
    stolen.plant(sessionCookie as StoredCookie);
    const replay = await stolen.get(url('/api/v1/me'));
    expect(replay.status).toBe(401);

    const again = await browser.get(url('/login'));
    expect(again.status).toBe(200);
    expect(again.url).toMatch(new RegExp(`^${url('/auth/interaction/')}`));
    expect(again.body).toContain('Contraseña');
  });
}
