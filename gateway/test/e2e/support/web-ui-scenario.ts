import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Browser, Locator, Page, Request, Route } from 'playwright-core';
import { png } from '../../support/images';
import { eventually } from './processes';
import { clientCredentialsToken, createUsers, Persona } from './users';
import {
  fillLoginForm,
  launchChromium,
  LOGIN_PAGE,
  newPage,
  Screenshots,
  section,
  untilText,
} from './web-browser';

/** A running platform the browser reaches at its public URL, in one mode or the other. */
export interface WebUiPlatform {
  readonly mode: 'embedded' | 'distributed';
  /** PUBLIC_URL: the gateway, which serves the web UI, /login and /api/v1. */
  readonly publicUrl: string;
  /** The public API (/api/v1), whose /users the administrator's machine client calls. */
  readonly api: string;
  /** A machine client of AUTH_MACHINE_CLIENTS with the admin role, to create the people. */
  readonly admin: { readonly clientId: string; readonly secret: string };
}

type Role = 'tramitadora' | 'validador' | 'tramitador' | 'administradora';

const password = () => randomBytes(12).toString('base64url');

/** The people of the scenario: each signs in with a password, in a browser context of its own. */
const people = (): Record<Role, Persona> => ({
  tramitadora: {
    username: 'teresa.tramitadora',
    nombre: 'Teresa Tramitadora',
    password: password(),
    roles: ['tramitador'],
  },
  validador: {
    username: 'valentin.validador',
    nombre: 'Valentín Validador',
    password: password(),
    roles: ['validador'],
  },
  // Only tramitador: for the transitions not offered to whoever lacks the validador role.
  tramitador: {
    username: 'tomas.tramitador',
    nombre: 'Tomás Tramitador',
    password: password(),
    roles: ['tramitador'],
  },
  administradora: {
    username: 'ada.administradora',
    nombre: 'Ada Administradora',
    password: password(),
    roles: ['admin'],
  },
});

/** A phase as bpm's procedure names it, in the order the expediente walks them. */
const FASE = {
  inicial: 'Fase inicial',
  analisis: 'Fase de análisis técnico',
  validacion: 'Fase de validación',
  rechazado: 'Fase rechazado',
  finalizado: 'Finalizado',
} as const;

const SIN_TRANSICIONES = 'No puede cambiar la fase de este expediente ahora';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The screen's name in a file name: lower case, no accents, dashes. */
const slug = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** An instant as the web UI writes it: es-ES, four-digit year, in the browser's UTC. */
const enEspanol = (iso: string): string => {
  const at = new Date(iso);
  const dia = `${pad2(at.getUTCDate())}/${pad2(at.getUTCMonth() + 1)}/${at.getUTCFullYear()}`;
  return `${dia}, ${pad2(at.getUTCHours())}:${pad2(at.getUTCMinutes())}`;
};

/** The UTC day of an instant as the API takes it (aaaa-mm-dd), and as typed: dd/mm/aaaa. */
const diaDe = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const ddmmaaaa = (dia: string): string => dia.split('-').reverse().join('/');

/** A date the web UI shows (dd/mm/aaaa, hh:mm) at the start of a text. */
const FECHA_HORA = String.raw`\d{2}/\d{2}/\d{4}, \d{2}:\d{2}`;

/** How wide the page is: wider than the screen, it scrolls sideways. */
const pageWidth = (on: Page): Promise<number> =>
  on.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
        .documentElement.scrollWidth,
  );

const columnHeaders = async (page: Page, heading: string): Promise<string[]> =>
  (await section(page, heading).getByRole('columnheader').allTextContents()).map((text) =>
    text.trim(),
  );

/**
 * The web UI end to end, in a real browser (Debian's Chromium through playwright-core), as its
 * users drive it, finding everything by role and accessible name (the web UI contract): sign
 * in through the authorization server's page (a favicon linked and served); open an
 * expediente with two files; find it in the list (dates in Spanish with four-digit years, its
 * total in sight) and by search; see its phase's plazo (its last day) in the detail, Mis tareas
 * and the list, which sorts by it; filter it by a day typed dd/mm/aaaa; on a phone, the filters
 * folded behind a toggle; download its documents byte for byte; walk it through every phase
 * as tramitadora and validador, with a rejection (its reason asked in a dialog, then in the
 * phase history) and the way back, while a user without the validador role is not offered
 * the validation decisions; see a change live; its phase history and audit timeline; the
 * expediente as it stood before; a duplicate code told on its field; signing out; an
 * administrator managing the users (a new one, its roles, disabled and enabled again, a
 * provisional password it replaces at its next sign-in), which a tramitador is not offered.
 * The as-of view's instant is typed as a day dd/mm/aaaa and a 24-hour time hh:mm.
 * People are shown by name, the username on hover (or alone: whoever the directory lacks, or
 * no directory at all), the directory read once a page load.
 * A document given new versions keeps its card and lists them all when asked (who, when,
 * size, SHA-256 to copy, each downloaded byte for byte), at a phone's width too.
 * A screenshot of each screen goes to .servers/screenshots/<mode>/.
 */
export function webUiScenario(platform: () => WebUiPlatform): void {
  const run = randomBytes(4).toString('hex').toUpperCase();
  const codigo = `WEB-${run}`;
  const palabra = `alcornoque${run.toLowerCase()}`;
  const descripcion = `Licencia de obra menor en la calle del ${palabra}`;
  /** Why the tramitadora rejects it: with markup, which must show as the text it is. */
  const motivoDelRechazo = `Falta el informe <b>técnico</b> de la visita (${run})`;
  const files = [
    {
      name: 'informe técnico.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.concat([Buffer.from('%PDF-1.4\n% informe técnico\n'), randomBytes(4096)]),
    },
    {
      name: 'notas de la visita.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(`Notas de la visita al expediente ${codigo}.\nTodo en orden.\n`),
    },
  ];
  const personas = people();
  /** Who the administrator gives access to through the Usuarios screen. */
  const nueva = {
    username: `lucia.${run.toLowerCase()}`,
    nombre: 'Lucía Trujillo',
    password: password(),
    provisional: password(),
    definitiva: password(),
  };
  /** The tramitadora's comment: two lines, markup that must show as text, a mention. */
  const textoDelComentario = `Informe revisado <b>sin</b> reparos (${run}).\n@${personas.validador.username}, ¿lo validas?`;
  /** The comment as the page shows it: the mention by name. */
  const textoMostrado = textoDelComentario.replace(
    `@${personas.validador.username}`,
    `@${personas.validador.nombre}`,
  );
  /** The versions the tramitadora adds to the second document, after its first. */
  const nuevasVersiones = [
    {
      name: 'notas de la visita (revisadas).txt',
      mimeType: 'text/plain',
      buffer: Buffer.alloc(2_560, `Notas revisadas de ${codigo}. `),
    },
    {
      name: 'notas de la visita (definitivas).txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(`Notas definitivas de ${codigo}.\n`),
    },
  ];
  /** That document's id, once it has more than one version. */
  let versionadoId = '';
  const pages: Partial<Record<Role, Page>> = {};
  let browser: Browser | undefined;
  let screens: Screenshots;
  let expedientePath = '';
  let abiertoAt = 0;
  /** A moment the expediente was in Fase inicial, as a datetime-local value (UTC, seconds). */
  let asOf = '';
  let failed = '';

  const page = (role: Role): Page => {
    const open = pages[role];
    if (!open) throw new Error(`${role} has no browser page`);
    return open;
  };

  /** A step of the story: once one fails, the next ones say so at once instead of timing out. */
  const step = (name: string, body: () => Promise<void>, timeoutMs = 90_000) =>
    it(
      name,
      async () => {
        if (failed) throw new Error(`not run: the step "${failed}" failed before it`);
        try {
          await body();
        } catch (error) {
          failed = name;
          await Promise.all(
            Object.entries(pages).map(([role, open]) =>
              screens.take(open as Page, `fallo-${role}`).catch(() => undefined),
            ),
          );
          throw error;
        }
      },
      timeoutMs,
    );

  beforeAll(async () => {
    const { publicUrl, api, admin, mode } = platform();
    const token = await clientCredentialsToken(`${publicUrl}/auth/token`, admin);
    await createUsers(api, token, Object.values(personas));
    screens = Screenshots.forMode(mode);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close(); // its contexts and pages with it
  });

  /** Opens the app signed out: the app sends the browser to /login, and auth's page. */
  const signIn = async (role: Role, screen?: string): Promise<Page> => {
    const opened = await newPage(browser as Browser, platform().publicUrl);
    pages[role] = opened;
    const toLogin = opened.waitForRequest(
      (request) => new URL(request.url()).pathname === '/login',
    );
    await opened.goto('/');
    const returnTo = new URL((await toLogin).url()).searchParams.get('returnTo');
    expect(returnTo).toMatch(/^\/(tareas)?$/);
    await opened.waitForURL(LOGIN_PAGE);
    if (screen) await screens.take(opened, screen);
    await fillLoginForm(opened, personas[role]);
    await opened.waitForURL(/\/tareas$/);
    await opened.getByRole('heading', { level: 1, name: 'Mis tareas', exact: true }).waitFor();
    const banner = opened.getByRole('banner');
    // Mis tareas first among the sections, the list one click away.
    const secciones = banner.getByRole('navigation', { name: 'Secciones' }).getByRole('link');
    expect((await secciones.allTextContents()).slice(0, 2)).toEqual([
      'Mis tareas',
      'Todos los expedientes',
    ]);
    await untilText(banner.getByTestId('usuario-actual'), new RegExp(personas[role].nombre));
    expect(await banner.textContent()).toContain(personas[role].roles.join(', '));
    await banner.getByRole('button', { name: 'Cerrar sesión' }).waitFor();
    return opened;
  };

  const faseActual = (on: Page, fase: string) => untilText(on.getByTestId('fase-actual'), fase);

  /** Runs `body` at a phone's width, where nothing may be wider than the screen. */
  const onAPhone = async (on: Page, body: () => Promise<unknown>) => {
    await on.setViewportSize({ width: 390, height: 844 });
    try {
      expect(await pageWidth(on)).toBeLessThanOrEqual(390);
      await body();
    } finally {
      await on.setViewportSize({ width: 1280, height: 900 });
    }
  };

  /** Mis tareas' counts, by their links' names ("Fase inicial 2"): { 'Fase inicial': 2 }. */
  const tareasPorFase = async (on: Page): Promise<Record<string, number>> => {
    const links = on.getByRole('navigation', { name: 'Tareas por fase' }).getByRole('link');
    await links.first().waitFor();
    return Object.fromEntries(
      (await links.allTextContents()).map((text) => {
        const [, fase, total] = /^(.*\S)\s+(\d+)$/.exec(text.trim()) ?? [];
        return [fase, Number(total)];
      }),
    );
  };

  /** Waits until Mis tareas counts exactly `expected` (it follows the events). */
  const cuentaTareas = (on: Page, expected: Record<string, number>) =>
    eventually(
      async () => {
        const counted = await tareasPorFase(on);
        return JSON.stringify(counted) === JSON.stringify(expected) ? true : undefined;
      },
      `Mis tareas counting ${JSON.stringify(expected)}`,
    );

  /** The link of a phase's count in Mis tareas. */
  const faseDeTareas = (on: Page, fase: string) =>
    on
      .getByRole('navigation', { name: 'Tareas por fase' })
      .getByRole('link', { name: new RegExp(`^${fase} \\d+$`) });

  /** Opens Mis tareas from the header. */
  const toMisTareas = async (on: Page) => {
    await on.getByRole('banner').getByRole('link', { name: 'Mis tareas', exact: true }).click();
    await on.waitForURL(/\/tareas$/);
    await on.getByRole('heading', { level: 1, name: 'Mis tareas', exact: true }).waitFor();
  };

  /** The screen's notice of what the last action did. */
  const notice = (on: Page, text: string) =>
    on.getByRole('status').filter({ hasText: text }).waitFor();

  /** Takes the transition to `fase` from the "Cambiar fase" section, and waits for it. */
  const changeTo = async (role: Role, fase: string) => {
    const on = page(role);
    await section(on, 'Cambiar fase').getByRole('button', { name: fase, exact: true }).click();
    await faseActual(on, fase);
    await notice(on, `Expediente pasado a «${fase}»`);
    await screens.take(on, `${role}-${slug(fase)}`);
  };

  /** The "Cambiar fase" section offers nothing: its message, and not one button. */
  const offersNoTransition = async (on: Page) => {
    const cambiarFase = section(on, 'Cambiar fase');
    await cambiarFase.getByText(SIN_TRANSICIONES).waitFor();
    expect(await cambiarFase.getByRole('button').count()).toBe(0);
  };

  const definition = (on: Page, term: string) => on.locator(`dt:text-is("${term}") + dd`).first();

  /** The one person shown `within`: by name, the username on hover (its title). */
  const shownAs = (within: Locator, role: Role) =>
    untilText(within.getByTitle(personas[role].username, { exact: true }), personas[role].nombre);

  /** The Documentos section's cards: a body (tbody) of its table a document, with its versions. */
  const documentCards = (on: Page) =>
    section(on, 'Documentos').getByRole('table').first().locator(':scope > tbody');

  /** The card of the document `documentId`. */
  const documentCard = (on: Page, documentId: string) =>
    documentCards(on).filter({
      has: on.locator(`a[href="/api/v1/documents/${documentId}/content"]`),
    });

  step(
    "signs in through the authorization server's page, lands on Mis tareas, the list a click away",
    async () => {
      const tramitadora = await signIn('tramitadora', 'acceso');
      // Nothing yet: her phases counted at 0, and said so.
      await cuentaTareas(tramitadora, {
        Todas: 0,
        [FASE.inicial]: 0,
        [FASE.analisis]: 0,
        [FASE.rechazado]: 0,
      });
      await tramitadora.getByText('No hay nada pendiente para usted', { exact: true }).waitFor();
      await section(tramitadora, 'Te mencionan')
        .getByText('Nadie le ha mencionado en un expediente abierto', { exact: true })
        .waitFor();
      await screens.take(tramitadora, 'mis-tareas-vacia');
      await tramitadora
        .getByRole('banner')
        .getByRole('link', { name: 'Todos los expedientes', exact: true })
        .click();
      await tramitadora.waitForURL(/\/expedientes$/);
      await tramitadora
        .getByRole('heading', { level: 1, name: 'Expedientes', exact: true })
        .waitFor();
      await tramitadora.getByRole('link', { name: 'Nuevo expediente' }).waitFor();
      await screens.take(tramitadora, 'expedientes');
    },
  );

  step('links a favicon that is served', async () => {
    const on = page('tramitadora');
    const href = await on.locator('head link[rel="icon"]').getAttribute('href');
    expect(href).toBe('/favicon.svg');
    const icon = await on.request.get(href as string);
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toMatch(/^image\/svg\+xml\b/);
    expect(await icon.text()).toContain('<svg');
  });

  step('opens an expediente with two files and lands on its detail', async () => {
    const on = page('tramitadora');
    await on.getByRole('link', { name: 'Nuevo expediente' }).click();
    await on.waitForURL(/\/expedientes\/nuevo$/);
    await on.getByRole('heading', { level: 1, name: 'Nuevo expediente' }).waitFor();
    await on.getByRole('textbox', { name: 'Código' }).fill(codigo);
    await on.getByLabel('Opción inicial').selectOption('SEDE_ELECTRONICA');
    await on.getByRole('textbox', { name: 'Descripción' }).fill(descripcion);
    // The limit, as the API gives it, said before anything is picked.
    await on.getByText(/^Máximo [\d,]+ (KB|MB|GB) por archivo$/).waitFor();
    await on.getByLabel('Documentos').setInputFiles(files);
    await screens.take(on, 'nuevo-expediente');
    await on.getByRole('button', { name: 'Crear expediente' }).click();

    await on.waitForURL(/\/expedientes\/(?!nuevo$)[^/?]+$/, { timeout: 45_000 });
    abiertoAt = Date.now();
    expedientePath = new URL(on.url()).pathname;
    await on.getByRole('heading', { level: 1, name: codigo, exact: true }).waitFor();
    await faseActual(on, FASE.inicial);
    await untilText(definition(on, 'Fase'), FASE.inicial);
    await untilText(definition(on, 'Estado'), /abierto/i);
    // People by name, the username on hover.
    await untilText(definition(on, 'Creado por'), personas.tramitadora.nombre);
    await shownAs(definition(on, 'Creado por'), 'tramitadora');
    await definition(on, 'Opción inicial').waitFor();
    const creado = definition(on, 'Creado').locator('time');
    expect(await creado.textContent()).toBe(
      enEspanol((await creado.getAttribute('datetime')) ?? ''),
    );
    const editable = on.getByRole('textbox', { name: 'Descripción' });
    await eventually(
      async () => ((await editable.inputValue()) === descripcion ? true : undefined),
      `the description "${descripcion}" in its textbox`,
    );
    // The documents' read model follows a moment later: the detail catches up live.
    for (const file of files) {
      await on.getByRole('link', { name: `Descargar ${file.name}`, exact: true }).waitFor();
    }
    expect(await columnHeaders(on, 'Documentos')).toEqual(
      expect.arrayContaining(['Nombre', 'Fecha', 'Usuario', 'Actualizado', 'Versión', 'Tamaño']),
    );
    for (const cell of await section(on, 'Documentos').locator('td[data-label="Usuario"]').all()) {
      await shownAs(cell, 'tramitadora');
    }
    await screens.take(on, 'detalle');
  });

  step('Mis tareas: shows it under Fase inicial, counted, waiting for her', async () => {
    const on = page('tramitadora');
    await toMisTareas(on);
    await cuentaTareas(on, {
      Todas: 1,
      [FASE.inicial]: 1,
      [FASE.analisis]: 0,
      [FASE.rechazado]: 0,
    });
    // Phases with nothing waiting: shown, dimmed.
    for (const [fase, vacia] of [
      [FASE.inicial, false],
      [FASE.analisis, true],
      [FASE.rechazado, true],
    ] as const) {
      expect((await faseDeTareas(on, fase).getAttribute('class'))?.includes('--vacia')).toBe(vacia);
    }
    await on.getByText('1 expediente espera', { exact: true }).waitFor();
    const pendientes = section(on, 'Esperan su acción');
    expect(await columnHeaders(on, 'Esperan su acción')).toEqual([
      'Código',
      'Descripción',
      'Fase',
      'Plazo',
      'Creado el',
      'Creado por',
      'Asignación',
    ]);
    const fila = pendientes
      .getByRole('row')
      .filter({ has: on.getByRole('link', { name: codigo, exact: true }) });
    await untilText(fila.locator('td[data-label="Descripción"]'), descripcion);
    await untilText(fila.locator('td[data-label="Fase"]'), FASE.inicial);
    const creado = fila.locator('td[data-label="Creado el"] time');
    expect(await creado.textContent()).toBe(
      enEspanol((await creado.getAttribute('datetime')) ?? ''),
    );
    await shownAs(fila.locator('td[data-label="Creado por"]'), 'tramitadora');
    await untilText(fila.locator('td[data-label="Asignación"]'), 'Sin asignar');
    await screens.take(on, 'mis-tareas');

    // Another phase's: nothing there, said so; all of them again.
    await faseDeTareas(on, FASE.analisis).click();
    await on.waitForURL((url) => url.searchParams.get('fase') === 'ANALISIS_TECNICO');
    await on
      .getByText(`No hay nada pendiente para usted en «${FASE.analisis}»`, { exact: true })
      .waitFor();
    expect(await on.getByRole('link', { name: codigo, exact: true }).count()).toBe(0);
    await faseDeTareas(on, 'Todas').click();
    await on.getByRole('link', { name: codigo, exact: true }).waitFor();

    // On a phone: cards, nothing wider than the screen.
    await onAPhone(on, () => screens.take(on, 'mis-tareas-movil'));
    await on.getByRole('link', { name: codigo, exact: true }).click();
    await on.waitForURL((url) => url.pathname === expedientePath);
  });

  step('finds it in the list and by full-text search', async () => {
    const on = page('tramitadora');
    await on.goto('/expedientes');
    await on.getByRole('heading', { level: 1, name: 'Expedientes', exact: true }).waitFor();
    await on.getByRole('link', { name: codigo, exact: true }).waitFor(); // the table is shown
    expect(await on.getByRole('columnheader').allTextContents()).toEqual(
      expect.arrayContaining(['Código', 'Opción inicial', 'Fecha', 'Fase', 'Descripción']),
    );
    for (const label of ['Fase', 'Estado', 'Opción inicial', 'Ordenar por']) {
      expect(await on.getByLabel(label, { exact: true }).evaluate((el) => el.tagName)).toBe(
        'SELECT',
      );
    }
    // Days typed in Spanish order whatever the browser's locale: no <input type="date">.
    for (const label of ['Desde', 'Hasta']) {
      const campo = on.getByLabel(label, { exact: true });
      expect(await campo.getAttribute('type')).toBe('text');
      expect(await campo.getAttribute('placeholder')).toBe('dd/mm/aaaa');
      expect(await campo.getAttribute('inputmode')).toBe('numeric');
    }
    const fila = on
      .getByRole('row')
      .filter({ has: on.getByRole('link', { name: codigo, exact: true }) });
    const creado = fila.locator('td[data-label="Fecha"] time');
    expect(await creado.textContent()).toBe(
      enEspanol((await creado.getAttribute('datetime')) ?? ''),
    );
    // The total, in sight (not only the table's caption for screen readers).
    expect(await on.getByText(/^\d+ expedientes?$/).isVisible()).toBe(true);
    await on.getByText(/Página \d+ de \d+/).waitFor();
    await screens.take(on, 'lista');

    const search = async (words: string) => {
      const searched = on.waitForResponse(
        (response) => new URL(response.url()).pathname === '/api/v1/search',
      );
      const box = on.getByRole('searchbox', { name: 'Buscar' });
      await box.fill(words);
      await box.press('Enter');
      expect((await searched).status()).toBe(200);
    };
    const nada = `inexistente${run.toLowerCase()}`;
    await search(nada);
    await on.getByText('No hay expedientes').waitFor();
    // The search index follows the events too: ask again (after another search, so the list
    // asks anew) until it has the expediente.
    const found = on.getByRole('link', { name: codigo, exact: true });
    await eventually(async () => {
      await search(palabra);
      await found.waitFor({ timeout: 3_000 }).catch(async (error: unknown) => {
        await search(nada);
        throw error;
      });
      return true;
    }, `${codigo} found by searching "${palabra}"`);
    expect(await on.getByRole('row').count()).toBe(2); // the header and the one expediente
    await screens.take(on, 'busqueda');
    await on.getByRole('link', { name: codigo, exact: true }).click();
    await on.waitForURL((url) => url.pathname === expedientePath);
    await on.getByRole('heading', { level: 1, name: codigo, exact: true }).waitFor();
  });

  step("shows its phase's plazo in the detail, Mis tareas and the list, sorted by it", async () => {
    const on = page('tramitadora');
    const id = expedientePath.split('/').pop() as string;
    // The last day bpm counted for Fase inicial (10 días hábiles), once it is known.
    const plazo = await eventually(async () => {
      const answer = await on.request.get(`/api/v1/expedientes/${id}`);
      const { plazo } = (await answer.json()) as {
        plazo: { vencimiento: string; estado: string } | null;
      };
      return plazo ?? undefined;
    }, `the plazo of ${codigo}`);
    expect(plazo.estado).toBe('en-plazo');
    expect(plazo.vencimiento > diaDe(Date.now())).toBe(true);
    // Shown as the day it is (dd/mm/aaaa), without a badge: it is far off.
    const dia = ddmmaaaa(plazo.vencimiento);

    await on.goto(expedientePath);
    await untilText(definition(on, 'Plazo'), dia);
    expect(await definition(on, 'Plazo').locator('time').getAttribute('datetime')).toBe(
      plazo.vencimiento,
    );
    await screens.take(on, 'detalle-plazo');

    await toMisTareas(on);
    const tarea = section(on, 'Esperan su acción')
      .getByRole('row')
      .filter({ has: on.getByRole('link', { name: codigo, exact: true }) });
    await untilText(tarea.locator('td[data-label="Plazo"]'), dia);
    // Near or past (the gateway says which), it says so in words beside the day.
    for (const [estado, aviso] of [
      ['proximo', 'Vence pronto'],
      ['vencido', 'Vencido'],
    ] as const) {
      const marcadas = async (route: Route) => {
        const answer = await route.fetch();
        const tareas = (await answer.json()) as {
          expedientes: Array<{ plazo: { estado: string } | null }>;
        };
        for (const item of tareas.expedientes) if (item.plazo) item.plazo.estado = estado;
        await route.fulfill({ response: answer, json: tareas });
      };
      await on.route('**/api/v1/tasks', marcadas);
      try {
        await on.reload();
        await untilText(
          tarea.locator('td[data-label="Plazo"]'),
          new RegExp(`^${dia}\\s+${aviso}$`),
        );
        await screens.take(on, `mis-tareas-plazo-${estado}`);
      } finally {
        await on.unroute('**/api/v1/tasks', marcadas);
      }
    }

    await on.goto('/expedientes');
    const fila = on
      .getByRole('row')
      .filter({ has: on.getByRole('link', { name: codigo, exact: true }) });
    await untilText(fila.locator('td[data-label="Plazo"]'), dia);
    expect(await on.getByRole('columnheader').allTextContents()).toContain('Plazo');

    // Sorted by it: the soonest first, those without one ("Sin plazo") last.
    const sorted = on.waitForResponse((response) => {
      const url = new URL(response.url());
      return (
        url.pathname === '/api/v1/expedientes' &&
        url.searchParams.get('sort') === 'vencimiento' &&
        url.searchParams.get('order') === 'asc'
      );
    });
    await on.getByLabel('Ordenar por', { exact: true }).selectOption('vencimiento');
    expect((await sorted).status()).toBe(200);
    await on.waitForURL((url) => url.searchParams.get('orden') === 'vencimiento');
    const cells = on.locator('td[data-label="Plazo"]');
    await cells.first().waitFor();
    const dias: string[] = [];
    for (const cell of await cells.all()) {
      const time = cell.locator('time');
      dias.push((await time.count()) ? ((await time.getAttribute('datetime')) as string) : '~');
    }
    expect(dias).toEqual([...dias].sort()); // '~' sorts after any aaaa-mm-dd
    await screens.take(on, 'lista-por-plazo');
    await on.goto(expedientePath);
    await on.getByRole('heading', { level: 1, name: codigo, exact: true }).waitFor();
  });

  step(
    'exports the record of the expediente as a PDF, and what the list shows as CSV',
    async () => {
      const on = page('tramitadora');
      const registro = on.getByRole('link', { name: 'Registro en PDF', exact: true });
      expect(await registro.getAttribute('download')).not.toBeNull();
      const pdf = await on.request.get((await registro.getAttribute('href')) as string);
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toBe('application/pdf');
      expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

      await on.goto(`/expedientes?q=${encodeURIComponent(codigo)}&orden=antiguo`);
      const exportar = on.getByRole('link', { name: 'Exportar CSV', exact: true });
      const href = (await exportar.getAttribute('href')) as string;
      // What the list shows: its text, its order; never a page of it.
      const query = new URL(href, 'http://x').searchParams;
      expect(new URL(href, 'http://x').pathname).toBe('/api/v1/expedientes.csv');
      expect(Object.fromEntries(query)).toEqual({ q: codigo, sort: 'creadoAt', order: 'asc' });
      const csv = await on.request.get(href);
      expect(csv.status()).toBe(200);
      expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
      const lines = (await csv.body()).toString('utf8').split('\r\n');
      expect(lines[0]).toMatch(/^\uFEFFCódigo;/);
      expect(lines.filter((line) => line.startsWith(`${codigo};`))).toHaveLength(1);
    },
  );

  step('filters from a day typed dd/mm/aaaa, and refuses one that is no day', async () => {
    const on = page('tramitadora');
    await on.goto('/expedientes');
    const desde = on.getByLabel('Desde', { exact: true });
    /** Types `texto` in Desde and confirms it with Enter. */
    const escribe = async (texto: string) => {
      await desde.fill(texto);
      await desde.press('Enter');
    };
    // The day it was opened: the list asks the API for it as aaaa-mm-dd, the URL keeps it so.
    const dia = diaDe(abiertoAt);
    const pedido = on.waitForRequest((request) => {
      const url = new URL(request.url());
      return url.pathname === '/api/v1/expedientes' && url.searchParams.get('desde') === dia;
    });
    await escribe(ddmmaaaa(dia));
    await pedido;
    await on.waitForURL((url) => url.searchParams.get('desde') === dia);
    await on.getByRole('link', { name: codigo, exact: true }).waitFor();
    expect(await desde.inputValue()).toBe(ddmmaaaa(dia));
    const fecha = on.getByRole('row').nth(1).locator('td[data-label="Fecha"] time');
    await untilText(fecha, new RegExp(`^${FECHA_HORA}$`));
    await screens.take(on, 'fechas-en-espanol');

    // Two days later: nothing opened since.
    const despues = diaDe(abiertoAt + 2 * 86_400_000);
    await escribe(ddmmaaaa(despues));
    await on.waitForURL((url) => url.searchParams.get('desde') === despues);
    await on.getByText('No hay expedientes').waitFor();

    // No day of the calendar: said at the field, which keeps the text; the filter stays.
    await escribe('31/02/2026');
    const aviso = on.getByRole('alert').filter({ hasText: 'Fecha no válida' });
    await aviso.waitFor();
    expect(await aviso.textContent()).toBe('Fecha no válida: escríbala como dd/mm/aaaa');
    expect(await desde.getAttribute('aria-invalid')).toBe('true');
    expect(await desde.getAttribute('aria-describedby')).toBe(await aviso.getAttribute('id'));
    expect(await desde.inputValue()).toBe('31/02/2026');
    expect(new URL(on.url()).searchParams.get('desde')).toBe(despues);
    await screens.take(on, 'fecha-no-valida');
  });

  step('on a phone, folds the filters behind a toggle that counts those in use', async () => {
    const on = page('tramitadora');
    await on.setViewportSize({ width: 390, height: 844 });
    try {
      await on.goto(`/expedientes?estado=abierto&desde=${diaDe(abiertoAt)}`);
      const fase = on.getByLabel('Fase', { exact: true });
      const plegados = on.getByRole('button', { name: 'Filtros (2 activos)', exact: true });
      expect(await plegados.getAttribute('aria-expanded')).toBe('false');
      expect(await fase.isVisible()).toBe(false);
      // The list starts on the first screen, its total in sight.
      const primera = await on.getByRole('row').nth(1).boundingBox();
      expect(primera?.y).toBeLessThan(844);
      expect(await on.getByText(/^\d+ expedientes?$/).isVisible()).toBe(true);
      await screens.take(on, 'filtros-plegados-movil');

      await plegados.click();
      const abiertos = on.getByRole('button', { name: 'Filtros', exact: true });
      expect(await abiertos.getAttribute('aria-expanded')).toBe('true');
      await fase.waitFor();
      expect(await on.getByLabel('Desde', { exact: true }).inputValue()).toBe(
        ddmmaaaa(diaDe(abiertoAt)),
      );
      await screens.take(on, 'filtros-abiertos-movil');
    } finally {
      await on.setViewportSize({ width: 1280, height: 900 });
    }
    // Wider: open, without the toggle.
    await on.getByLabel('Fase', { exact: true }).waitFor();
    expect(await on.locator('button[aria-controls="filtros"]').isVisible()).toBe(false);
  });

  /** Opens an expediente with a small file as the administrator's machine client (`token`). */
  const openAsAdmin = async (token: string, codigoNuevo: string, descripcionNueva: string) => {
    const form = new FormData();
    form.append('codigo', codigoNuevo);
    form.append('opcionInicial', 'SEDE_ELECTRONICA');
    form.append('descripcion', descripcionNueva);
    form.append(
      'files',
      new File([Buffer.from('%PDF-1.4\n')], 'p.pdf', { type: 'application/pdf' }),
    );
    const opened = await fetch(`${platform().publicUrl}/api/v1/expedientes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    expect([201, 202]).toContain(opened.status);
  };

  step('pages through the list; offline, it says so, keeps its page, and retries', async () => {
    const { publicUrl, admin } = platform();
    const token = await clientCredentialsToken(`${publicUrl}/auth/token`, admin);
    const total = async (): Promise<number> => {
      const reply = await fetch(`${publicUrl}/api/v1/expedientes?pageSize=1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await reply.json()) as { total: number }).total;
    };
    // More than one page (20 rows): a few expedientes of the admin's, each with a small file.
    for (let n = await total(); n <= 20; n++) {
      await openAsAdmin(token, `PAG-${run}-${n}`, 'Para paginar');
    }
    const on = page('tramitadora');
    await on.goto('/expedientes');
    const pager = on.getByRole('navigation', { name: 'Paginación' });
    await pager.getByText(/^Página 1 de [2-9]$/).waitFor();
    const firstRow = await on.getByRole('row').nth(1).textContent();

    await on.context().setOffline(true);
    await pager.getByRole('button', { name: 'Siguiente' }).click();
    await on
      .getByRole('alert')
      .getByText(/No se ha podido cargar la página 2/)
      .waitFor();
    // The rows and the pager still agree: page 1, as it was.
    await pager.getByText(/^Página 1 de /).waitFor();
    expect(await on.getByRole('row').nth(1).textContent()).toBe(firstRow);
    await screens.take(on, 'lista-sin-conexion');

    await on.context().setOffline(false);
    await on.getByRole('button', { name: 'Reintentar' }).click();
    await pager.getByText(/^Página 2 de /).waitFor();
    expect(await on.getByRole('alert').count()).toBe(0);
    expect(await on.getByRole('row').nth(1).textContent()).not.toBe(firstRow);
    // Back where the story goes on.
    await on.goto(expedientePath);
    await on.getByRole('heading', { level: 1, name: codigo, exact: true }).waitFor();
  });

  step('downloads each document with the bytes that were uploaded', async () => {
    const on = page('tramitadora');
    for (const file of files) {
      const link = on.getByRole('link', { name: `Descargar ${file.name}`, exact: true });
      expect(await link.getAttribute('href')).toMatch(/\/api\/v1\/documents\/[^/?]+\/content$/);
      expect(await link.getAttribute('download')).not.toBeNull();
      const [download] = await Promise.all([on.waitForEvent('download'), link.click()]);
      const saved = await download.path();
      expect((await readFile(saved)).equals(file.buffer)).toBe(true);
    }
  });

  /** Marks the page's document, to tell later that it was not loaded again. */
  const markPage = (on: Page) =>
    on.evaluate(() => {
      (globalThis as unknown as { sinRecargar: boolean }).sinRecargar = true;
    });
  const notReloaded = async (on: Page) =>
    expect(
      await on.evaluate(() => (globalThis as unknown as { sinRecargar?: boolean }).sinRecargar),
    ).toBe(true);

  step(
    'Mis tareas: follows a change made elsewhere live, filters by phase, links past its limit',
    async () => {
      const { publicUrl, admin } = platform();
      const on = page('tramitadora');
      await toMisTareas(on);
      const antes = await tareasPorFase(on);
      expect(antes[FASE.inicial]).toBeGreaterThan(20); // hers and those of the pages
      expect(antes[FASE.analisis]).toBe(0);
      await markPage(on);

      // The administrator's program moves the oldest of the others on: her page follows.
      const oldest = await on.request.get(
        `/api/v1/expedientes?q=PAG-${run}&sort=creadoAt&order=asc&pageSize=1`,
      );
      const [movido] = ((await oldest.json()) as { items: Array<{ id: string; codigo: string }> })
        .items;
      const token = await clientCredentialsToken(`${publicUrl}/auth/token`, admin);
      const moved = await fetch(`${publicUrl}/api/v1/expedientes/${movido.id}/transitions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ hacia: 'ANALISIS_TECNICO' }),
      });
      expect([200, 202]).toContain(moved.status);
      await cuentaTareas(on, {
        ...antes,
        [FASE.inicial]: antes[FASE.inicial] - 1,
        [FASE.analisis]: 1,
      });
      await on
        .getByRole('status')
        .getByText(/^Actualizado a las \d{2}:\d{2}/)
        .waitFor();
      await notReloaded(on);
      await screens.take(on, 'mis-tareas-en-vivo');

      // A phase's count shows only that phase's.
      const pendientes = section(on, 'Esperan su acción');
      const fases = () => pendientes.locator('td[data-label="Fase"]').allTextContents();
      await faseDeTareas(on, FASE.analisis).click();
      await on.waitForURL((url) => url.searchParams.get('fase') === 'ANALISIS_TECNICO');
      await eventually(
        async () => ((await fases()).length === 1 ? true : undefined),
        'one row in Fase de análisis técnico',
      );
      await pendientes.getByRole('link', { name: movido.codigo, exact: true }).waitFor();
      expect((await fases()).map((text) => text.trim())).toEqual([FASE.analisis]);
      expect(await faseDeTareas(on, FASE.analisis).getAttribute('aria-current')).toBe('true');
      await on.getByText('1 expediente espera', { exact: true }).waitFor();
      await screens.take(on, 'mis-tareas-por-fase');
      await faseDeTareas(on, FASE.inicial).click();
      await on.waitForURL((url) => url.searchParams.get('fase') === 'INICIAL');
      await pendientes.getByRole('link', { name: codigo, exact: true }).waitFor();
      expect(new Set((await fases()).map((text) => text.trim()))).toEqual(new Set([FASE.inicial]));
      expect(await pendientes.getByRole('link', { name: movido.codigo, exact: true }).count()).toBe(
        0,
      );

      // Asked for 5 at most, it says how many more wait, and links to them in the list.
      const cinco = (route: Route) => route.continue({ url: `${route.request().url()}?limite=5` });
      await on.route('**/api/v1/tasks', cinco);
      try {
        await on.reload();
        // The 5 due first, all in Fase inicial: the one moved on has the technical analysis's
        // plazo, 30 días hábiles, which ends after theirs.
        const aviso = on.getByText(
          `Se muestran 5 de los ${antes[FASE.inicial] - 1} de «${FASE.inicial}».`,
        );
        await aviso.waitFor();
        expect(await pendientes.getByRole('row').count()).toBe(6); // the header and 5
        await screens.take(on, 'mis-tareas-limite');
        await on
          .getByRole('link', { name: `Ver todos los de «${FASE.inicial}» en la lista` })
          .click();
        await on.waitForURL(
          (url) =>
            url.pathname === '/expedientes' &&
            url.searchParams.get('fase') === 'INICIAL' &&
            url.searchParams.get('estado') === 'abierto',
        );
        await on.getByRole('heading', { level: 1, name: 'Expedientes', exact: true }).waitFor();
        await on.getByLabel('Fase', { exact: true }).waitFor();
        expect(await on.getByLabel('Fase', { exact: true }).inputValue()).toBe('INICIAL');
      } finally {
        await on.unroute('**/api/v1/tasks', cinco);
      }
      await on.goto(expedientePath);
      await on.getByRole('heading', { level: 1, name: codigo, exact: true }).waitFor();
    },
  );

  step(
    'signs in a validador, not offered to open expedientes, and another tramitador',
    async () => {
      const validador = await signIn('validador');
      // Nothing waits in his phase yet: hers is in Fase inicial.
      await cuentaTareas(validador, { Todas: 0, [FASE.validacion]: 0 });
      await validador.getByText('No hay nada pendiente para usted', { exact: true }).waitFor();
      expect(await validador.getByRole('link', { name: codigo, exact: true }).count()).toBe(0);
      await screens.take(validador, 'validador-mis-tareas');
      await validador
        .getByRole('banner')
        .getByRole('link', { name: 'Todos los expedientes', exact: true })
        .click();
      await validador.waitForURL(/\/expedientes$/);
      await validador.getByRole('navigation', { name: 'Paginación' }).waitFor();
      await screens.take(validador, 'validador-expedientes');
      expect(await validador.getByRole('link', { name: 'Nuevo expediente' }).count()).toBe(0);
      // Back on Mis tareas, where it waits for what comes.
      await toMisTareas(validador);
      await cuentaTareas(validador, { Todas: 0, [FASE.validacion]: 0 });
      await markPage(validador);
      await signIn('tramitador');
    },
  );

  /** The `method` requests to an address ending in `ending` the page sends while `body` runs. */
  const requestsSent = async (
    on: Page,
    method: 'POST' | 'PUT',
    ending: string,
    body: () => Promise<void>,
  ): Promise<Request[]> => {
    const sent: Request[] = [];
    const listen = (request: Request) => {
      if (request.method() === method && request.url().endsWith(ending)) sent.push(request);
    };
    on.on('request', listen);
    try {
      await body();
    } finally {
      on.off('request', listen);
    }
    return sent;
  };

  /** The bodies of the changes of phase the page sends while `body` runs. */
  const transitionsSent = async (on: Page, body: () => Promise<void>): Promise<unknown[]> =>
    (await requestsSent(on, 'POST', '/transitions', body)).map((request) => request.postDataJSON());

  /**
   * From Fase de análisis técnico to Fase rechazado, which asks for the reason in a dialog:
   * cancelled, then confirmed empty, then refused by the API (the text kept), then done.
   */
  const rejectWithReason = async (on: Page) => {
    const cambiarFase = section(on, 'Cambiar fase');
    const rechazar = cambiarFase.getByRole('button', { name: FASE.rechazado, exact: true });
    const seguir = cambiarFase.getByRole('button', { name: FASE.validacion, exact: true });
    // It looks unlike going on, and says it opens a dialog.
    const background = (button: Locator) =>
      button.evaluate(
        (element) => element.ownerDocument.defaultView?.getComputedStyle(element).backgroundColor,
      );
    expect(await rechazar.getAttribute('class')).toContain('button--danger-outline');
    expect(await seguir.getAttribute('class')).toContain('button--primary');
    expect(await background(rechazar)).not.toBe(await background(seguir));
    expect(await rechazar.getAttribute('aria-haspopup')).toBe('dialog');

    const dialog = on.getByRole('dialog', {
      name: `Pasar a «${FASE.rechazado}»: indique el motivo`,
    });
    const texto = dialog.getByRole('textbox', { name: 'Motivo', exact: true });
    const confirmar = dialog.getByRole('button', { name: `Pasar a «${FASE.rechazado}»` });
    const refusal =
      'Para pasar de Fase de análisis técnico a Fase rechazado hay que indicar el motivo';

    const withoutReason = await transitionsSent(on, async () => {
      // Cancelled: nothing happens.
      await rechazar.click();
      await texto.waitFor();
      expect(await texto.evaluate((element) => element.matches(':focus'))).toBe(true);
      await dialog.getByRole('button', { name: 'Cancelar', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      // Confirmed with only blanks: told in the dialog, which stays.
      await rechazar.click();
      await texto.fill('   ');
      await confirmar.click();
      await dialog.getByText('Indique el motivo', { exact: true }).waitFor();
      expect(await texto.getAttribute('aria-invalid')).toBe('true');
      await screens.take(on, 'motivo-obligatorio');
    });
    expect(withoutReason).toEqual([]);
    await faseActual(on, FASE.analisis);

    // The API's refusal, which the dialog tells, keeping the text (the answer is made up here:
    // the real API refuses only a missing reason, which the dialog never sends).
    await texto.fill(motivoDelRechazo);
    await screens.take(on, 'motivo-del-rechazo');
    const refused = await transitionsSent(on, async () => {
      await on.route('**/transitions', (route) =>
        route.request().method() === 'POST'
          ? route.fulfill({
              status: 422,
              contentType: 'application/problem+json',
              body: JSON.stringify({ status: 422, code: 'BPM.MOTIVO_REQUERIDO', detail: refusal }),
            })
          : route.fallback(),
      );
      try {
        await confirmar.click();
        await dialog.getByRole('alert').getByText(refusal).waitFor();
      } finally {
        await on.unroute('**/transitions');
      }
    });
    expect(refused).toEqual([{ hacia: 'RECHAZADO', motivo: motivoDelRechazo }]);
    expect(await texto.inputValue()).toBe(motivoDelRechazo);
    await screens.take(on, 'motivo-rechazado-por-la-api');

    const done = await transitionsSent(on, async () => {
      await confirmar.click();
      await dialog.waitFor({ state: 'detached' });
      await faseActual(on, FASE.rechazado);
      await notice(on, `Expediente pasado a «${FASE.rechazado}», motivo: ${motivoDelRechazo}`);
    });
    expect(done).toEqual([{ hacia: 'RECHAZADO', motivo: motivoDelRechazo }]);
    await screens.take(on, `tramitadora-${slug(FASE.rechazado)}`);

    // The phase history says why, as text (the markup in it is not markup), and so does the
    // audit timeline.
    const estancia = section(on, 'Historial de fases')
      .locator('tbody tr')
      .filter({ hasText: FASE.rechazado });
    await estancia.getByText(`Motivo: ${motivoDelRechazo}`, { exact: true }).waitFor();
    expect(await estancia.locator('b').count()).toBe(0);
    await section(on, 'Auditoría')
      .getByRole('listitem')
      .filter({ hasText: `Motivo: ${motivoDelRechazo}` })
      .waitFor();
    await screens.take(on, 'historial-con-motivo');
    // On a phone, the reason stays under the phase's name in the card of the stay.
    await on.setViewportSize({ width: 390, height: 844 });
    await screens.take(on, 'historial-con-motivo-movil');
    await on.setViewportSize({ width: 1280, height: 900 });
  };

  step(
    'walks it as tramitadora to Fase de validación, with a rejection and the way back',
    async () => {
      // The as-of input takes whole seconds: a second after the opening, before the first
      // change of phase.
      await sleep(Math.max(0, abiertoAt + 1_100 - Date.now()));
      asOf = new Date().toISOString().slice(0, 19);

      const on = page('tramitadora');
      await faseActual(on, FASE.inicial);
      await changeTo('tramitadora', FASE.analisis);
      await rejectWithReason(on);
      for (const fase of [FASE.inicial, FASE.analisis, FASE.validacion]) {
        await changeTo('tramitadora', fase);
      }
      // The decision in Fase de validación is the validador's: nothing for her now.
      await offersNoTransition(on);
      // And his Mis tareas shows it now, live.
      const validador = page('validador');
      await cuentaTareas(validador, { Todas: 1, [FASE.validacion]: 1 });
      const fila = section(validador, 'Esperan su acción')
        .getByRole('row')
        .filter({ has: validador.getByRole('link', { name: codigo, exact: true }) });
      await untilText(fila.locator('td[data-label="Fase"]'), FASE.validacion);
      await notReloaded(validador);
      await screens.take(validador, 'validador-mis-tareas-en-vivo');
    },
    150_000,
  );

  /** The comments the page sends while `body` runs: each one's text and Idempotency-Key. */
  const commentsSent = async (on: Page, body: () => Promise<void>) =>
    (await requestsSent(on, 'POST', '/comments', body)).map((request) => ({
      texto: (request.postDataJSON() as { texto: unknown }).texto,
      key: request.headers()['idempotency-key'],
    }));

  step(
    'comments on it, mentioning the validador: sent once, shown by name with its lines, live',
    async () => {
      const on = page('tramitadora');
      const validador = page('validador');
      await validador.goto(expedientePath);
      await faseActual(validador, FASE.validacion);
      const comentarios = section(on, 'Comentarios');
      await comentarios.getByText('Sin comentarios', { exact: true }).waitFor();
      const campo = comentarios.getByRole('textbox', { name: 'Nuevo comentario' });
      const comentar = comentarios.getByRole('button', { name: 'Comentar', exact: true });
      expect(await campo.getAttribute('maxlength')).toBe('4000');
      await comentarios.getByText(/\b0 de 4000 caracteres\b/).waitFor();

      // Empty: told at the field, and nothing is sent.
      const vacio = await commentsSent(on, async () => {
        await comentar.click();
        await comentarios.getByText('Escriba el comentario', { exact: true }).waitFor();
        expect(await campo.getAttribute('aria-invalid')).toBe('true');
      });
      expect(vacio).toEqual([]);

      // No answer the first time (the connection fails): the retry is the same action, with
      // the same key; clicked twice, it is sent once.
      await campo.fill(textoDelComentario);
      await comentarios
        .getByText(new RegExp(`\\b${textoDelComentario.length} de 4000 caracteres\\b`))
        .waitFor();
      const sent = await commentsSent(on, async () => {
        const cut = (route: Route) => route.abort('failed');
        await on.route('**/comments', cut, { times: 1 });
        await comentar.click();
        await untilText(comentarios.getByRole('alert'), 'No se pudo contactar con el servidor');
        expect(await campo.inputValue()).toBe(textoDelComentario);
        await comentar.dblclick();
        await notice(on, 'Comentario publicado');
      });
      expect(sent).toHaveLength(2);
      expect(sent.map(({ texto }) => texto)).toEqual([textoDelComentario, textoDelComentario]);
      expect(sent[0]?.key).toMatch(/^[0-9a-f-]{36}$/);
      expect(sent[1]?.key).toBe(sent[0]?.key);
      expect(await campo.inputValue()).toBe('');

      // Shown once, by name (the username on hover), when (es-ES), and its text as written:
      // its line break kept, the markup in it text, the mention by name.
      for (const [who, where] of [
        ['tramitadora', on],
        ['validador', validador], // live, without reloading
      ] as const) {
        const lista = section(where, 'Comentarios').getByRole('listitem');
        await eventually(async () => ((await lista.count()) === 1 ? true : undefined), who);
        const comentario = lista.first();
        await shownAs(comentario.locator('.comentario__cabecera'), 'tramitadora');
        const cuando = comentario.locator('time');
        expect(await cuando.textContent()).toBe(
          enEspanol((await cuando.getAttribute('datetime')) ?? ''),
        );
        const texto = comentario.locator('.comentario__texto');
        expect(await texto.textContent()).toBe(textoMostrado);
        expect((await texto.innerText()).split('\n')).toEqual(textoMostrado.split('\n'));
        expect(await texto.locator('b').count()).toBe(0);
        const mencion = texto.locator('.mencion');
        await untilText(mencion, `@${personas.validador.nombre}`);
        expect(await mencion.locator('[title]').getAttribute('title')).toBe(
          personas.validador.username,
        );
        // Never edited nor deleted: the one button is for another comment.
        expect(await section(where, 'Comentarios').getByRole('button').allTextContents()).toEqual([
          expect.stringContaining('Comentar'),
        ]);
      }
      await section(on, 'Auditoría')
        .getByRole('listitem')
        .filter({ hasText: `Comentario: ${textoDelComentario.split('\n')[0]}` })
        .waitFor();
      await screens.take(on, 'comentarios');
      await on.setViewportSize({ width: 390, height: 844 });
      try {
        expect(await pageWidth(on)).toBeLessThanOrEqual(390);
        await section(on, 'Comentarios').scrollIntoViewIfNeeded();
        await screens.take(on, 'comentarios-movil');
      } finally {
        await on.setViewportSize({ width: 1280, height: 900 });
      }

      // The one mentioned finds it in Mis tareas, under "Te mencionan"; she who wrote it, not.
      await toMisTareas(validador);
      const mencionado = section(validador, 'Te mencionan')
        .getByRole('row')
        .filter({ has: validador.getByRole('link', { name: codigo, exact: true }) });
      await untilText(mencionado.locator('td[data-label="Fase"]'), FASE.validacion);
      await shownAs(mencionado.locator('td[data-label="Creado por"]'), 'tramitadora');
      await screens.take(validador, 'te-mencionan');
      await onAPhone(validador, async () => {
        await section(validador, 'Te mencionan').scrollIntoViewIfNeeded();
        await screens.take(validador, 'te-mencionan-movil');
      });
      await toMisTareas(on);
      await section(on, 'Te mencionan')
        .getByText('Nadie le ha mencionado en un expediente abierto', { exact: true })
        .waitFor();
    },
  );

  const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

  /** Opens a document's list of versions (a disclosure), unless it is open already. */
  const openVersions = async (card: Locator, cuantas: number) => {
    const details = card.locator('details');
    const summary = details.getByText(`Versiones (${cuantas})`, { exact: true });
    await summary.waitFor();
    if ((await details.getAttribute('open')) === null) {
      await summary.click();
    }
  };

  /** The table of the versions of the document whose latest version is `nombre`: its rows. */
  const versionRows = (card: Locator, nombre: string) =>
    card.getByRole('table', { name: `Versiones de ${nombre}`, exact: true }).locator('tbody tr');

  /** Saves what the link downloads, and gives its bytes. */
  const downloaded = async (on: Page, link: Locator): Promise<Buffer> => {
    const [download] = await Promise.all([on.waitForEvent('download'), link.click()]);
    return readFile(await download.path());
  };

  step('adds versions to a document, which keeps its row and lists each version', async () => {
    const on = page('tramitadora');
    const [primero, notas] = files;
    const [revisadas, definitivas] = nuevasVersiones;
    // The versions are read when asked for, not with the page.
    const asked: string[] = [];
    const ask = (request: Request) => {
      const { pathname } = new URL(request.url());
      if (/^\/api\/v1\/documents\/[^/]+$/.test(pathname)) asked.push(pathname);
    };
    on.on('request', ask);
    try {
      await on.goto(expedientePath);
      await faseActual(on, FASE.validacion);
      const descargar = on.getByRole('link', { name: `Descargar ${notas.name}`, exact: true });
      versionadoId = (await descargar.getAttribute('href'))?.split('/').at(-2) ?? '';
      const card = documentCard(on, versionadoId);
      const row = card.locator('tr').first();
      const cards = documentCards(on);
      expect(await cards.count()).toBe(2);

      await card.getByLabel(`Nueva versión de ${notas.name}`).setInputFiles(revisadas);
      await notice(on, `Nueva versión de «${notas.name}» subida`);
      await untilText(row.locator('td[data-label="Versión"]'), '2');
      await untilText(row.locator('td[data-label="Nombre"]'), revisadas.name);
      await card.getByText('Versiones (2)', { exact: true }).waitFor();
      // Still one card a document; the other one untouched.
      expect(await cards.count()).toBe(2);
      await on.getByRole('link', { name: `Descargar ${primero.name}`, exact: true }).waitFor();
      expect(asked).toEqual([]);

      // Opened: loading, then a failure told with a retry.
      const documento = (url: URL) => url.pathname === `/api/v1/documents/${versionadoId}`;
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      const fail = async (route: Route) => {
        await released;
        await route.fulfill({
          status: 503,
          contentType: 'application/problem+json',
          body: JSON.stringify({ status: 503, code: 'API.UNAVAILABLE', detail: 'No responde' }),
        });
      };
      await on.route(documento, fail);
      try {
        await openVersions(card, 2);
        await card.getByRole('status').getByText('Cargando…').waitFor();
        await screens.take(on, 'versiones-cargando');
        release();
        await untilText(
          card.getByRole('alert'),
          'No se han podido cargar las versiones: No responde',
        );
        await screens.take(on, 'versiones-sin-cargar');
      } finally {
        await on.unroute(documento, fail);
      }
      expect(asked).toEqual([`/api/v1/documents/${versionadoId}`]);
      await card.getByRole('button', { name: 'Reintentar', exact: true }).click();

      // Newest first: each with its name, who, when, size and SHA-256 (shortened, whole on
      // hover), and its own download.
      const rows = versionRows(card, revisadas.name);
      await eventually(async () => ((await rows.count()) === 2 ? true : undefined), 'two versions');
      expect(await card.getByRole('alert').count()).toBe(0);
      const expected = [
        { version: '2', file: revisadas, tamano: '2,5 KB' },
        { version: '1', file: notas, tamano: `${notas.buffer.length} bytes` },
      ];
      for (const [index, { version, file, tamano }] of expected.entries()) {
        const cells = rows.nth(index);
        const cell = (label: string) => cells.locator(`td[data-label="${label}"]`);
        expect((await cell('Versión').textContent())?.trim()).toBe(version);
        expect((await cell('Nombre').textContent())?.trim()).toBe(file.name);
        await shownAs(cell('Subida por'), 'tramitadora');
        const subida = cell('Fecha').locator('time');
        expect(await subida.textContent()).toBe(
          enEspanol((await subida.getAttribute('datetime')) ?? ''),
        );
        expect((await cell('Tamaño').textContent())?.trim()).toBe(tamano);
        const hash = sha256(file.buffer);
        const huella = cell('SHA-256').locator('code');
        expect(await huella.textContent()).toBe(`${hash.slice(0, 12)}…`);
        expect(await huella.getAttribute('title')).toBe(hash);
        const link = cells.getByRole('link', {
          name: `Descargar la versión ${version} de ${file.name}`,
          exact: true,
        });
        expect(await link.getAttribute('href')).toBe(
          `/api/v1/documents/${versionadoId}/content?version=${version}`,
        );
        expect((await downloaded(on, link)).equals(file.buffer)).toBe(true);
      }
      // The row's own download is the latest version.
      const latest = on.getByRole('link', { name: `Descargar ${revisadas.name}`, exact: true });
      expect((await downloaded(on, latest)).equals(revisadas.buffer)).toBe(true);

      // The whole SHA-256 of version 1, copied.
      await on.context().grantPermissions(['clipboard-read', 'clipboard-write']);
      await card.getByRole('button', { name: 'Copiar el SHA-256 de la versión 1' }).click();
      await untilText(card.getByRole('status'), 'SHA-256 de la versión 1 copiado');
      const clipboard = () =>
        (
          globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
        ).navigator.clipboard.readText();
      expect(await on.evaluate(clipboard)).toBe(sha256(notas.buffer));
      await screens.take(on, 'versiones-del-documento');

      // A third version while the list is open: the list follows.
      await card.getByLabel(`Nueva versión de ${revisadas.name}`).setInputFiles(definitivas);
      await notice(on, `Nueva versión de «${revisadas.name}» subida`);
      await card.getByText('Versiones (3)', { exact: true }).waitFor();
      const tres = versionRows(card, definitivas.name);
      await eventually(async () => ((await tres.count()) === 3 ? true : undefined), '3 versions');
      const nombres = await tres.locator('td[data-label="Nombre"]').allTextContents();
      expect(nombres.map((nombre) => nombre.trim())).toEqual([
        definitivas.name,
        revisadas.name,
        notas.name,
      ]);
      expect(await cards.count()).toBe(2);

      // On a phone: the document a card, each version a card of its own, in the screen's width.
      await on.setViewportSize({ width: 390, height: 844 });
      try {
        const uno = tres
          .nth(2)
          .getByRole('link', { name: `Descargar la versión 1 de ${notas.name}`, exact: true });
        await uno.scrollIntoViewIfNeeded();
        expect(await uno.isVisible()).toBe(true);
        for (const box of [await uno.boundingBox(), await card.boundingBox()]) {
          expect((box?.x ?? Infinity) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
        }
        expect(await pageWidth(on)).toBeLessThanOrEqual(390);
        expect(await tres.nth(2).locator('td[data-label="SHA-256"] code').isVisible()).toBe(true);
        await screens.take(on, 'versiones-movil');
      } finally {
        await on.setViewportSize({ width: 1280, height: 900 });
      }
    } finally {
      on.off('request', ask);
    }
  });

  step('shows an image and a text in the viewer, a PDF in the browser’s own', async () => {
    const on = page('tramitadora');
    const fachada = { name: 'fachada.png', mimeType: 'image/png', buffer: png() };
    const [informe] = files;
    const [, definitivas] = nuevasVersiones;
    await on.goto(expedientePath);
    await faseActual(on, FASE.validacion);
    await on.getByLabel('Añadir documento').setInputFiles(fachada);
    await notice(on, `Documento «${fachada.name}» añadido`);
    /** Opens the viewer of `nombre`'s document, which shows its latest version from /preview. */
    const ver = async (nombre: string) => {
      await on.getByRole('button', { name: `Ver ${nombre}`, exact: true }).click();
      const visor = on.getByRole('dialog', { name: nombre });
      const otraPestana = visor.getByRole('link', { name: 'Abrir en otra pestaña' });
      expect(await otraPestana.getAttribute('href')).toMatch(
        /^\/api\/v1\/documents\/[^/]+\/preview$/,
      );
      expect(await otraPestana.getAttribute('target')).toBe('_blank');
      return { visor, url: (await otraPestana.getAttribute('href')) as string };
    };
    const cerrar = async (visor: Locator) => {
      await visor.getByRole('button', { name: 'Cerrar', exact: true }).click();
      await visor.waitFor({ state: 'detached' });
    };

    const imagen = await ver(fachada.name);
    const img = imagen.visor.getByRole('img', { name: fachada.name });
    expect(await img.getAttribute('src')).toBe(imagen.url);
    // Decoded: the browser knows its size.
    const decoded = (element: unknown) => (element as { naturalWidth: number }).naturalWidth > 0;
    await eventually(async () => (await img.evaluate(decoded)) || undefined, 'the image decoded');
    await screens.take(on, 'visor-imagen');
    await cerrar(imagen.visor);

    const texto = await ver(definitivas.name);
    // The text as it is, to its last line feed.
    const pre = texto.visor.locator('pre');
    await pre.waitFor();
    expect(await pre.textContent()).toBe(definitivas.buffer.toString());
    await screens.take(on, 'visor-texto');
    await cerrar(texto.visor);

    // Headless Chromium has no PDF viewer: the frame, and what the address answers.
    const pdf = await ver(informe.name);
    const marco = pdf.visor.locator('iframe');
    expect(await marco.getAttribute('src')).toBe(pdf.url);
    expect(await marco.getAttribute('sandbox')).toBeNull();
    const answer = await on.request.get(pdf.url);
    expect(answer.status()).toBe(200);
    expect(answer.headers()['content-type']).toBe('application/pdf');
    expect(answer.headers()['content-disposition']).toMatch(/^inline; /);
    expect(answer.headers()['content-security-policy']).not.toMatch(/sandbox|script-src/);
    expect((await answer.body()).equals(informe.buffer)).toBe(true);
    await cerrar(pdf.visor);
  });

  step(
    "tells a tramitador whose edit someone else's save overtook, instead of overwriting it",
    async () => {
      const [a, b] = [page('tramitadora'), page('tramitador')];
      await b.goto(expedientePath);
      const textbox = (on: Page) => on.getByRole('textbox', { name: 'Descripción' });
      const save = (on: Page) => on.getByRole('button', { name: 'Guardar descripción' }).click();
      const suya = `${descripcion} (revisada por Teresa)`;
      const mia = `${descripcion} (ampliada por Tomás)`;
      await eventually(
        async () => ((await textbox(b).inputValue()) === descripcion ? true : undefined),
        "the description in the second tramitador's textbox",
      );
      await textbox(b).fill(mia);

      // Teresa saves first; Tomás's page hears of it live while he is still editing.
      const heard = b.waitForResponse(
        (response) =>
          response.request().method() === 'GET' &&
          new URL(response.url()).pathname === `/api/v1${expedientePath}`,
      );
      await textbox(a).fill(suya);
      await save(a);
      await a.getByRole('status').getByText('Descripción guardada').waitFor();
      await heard;
      expect(await textbox(b).inputValue()).toBe(mia);

      await save(b);
      const conflicto = b.getByRole('alert').filter({ hasText: 'Otra persona ha cambiado' });
      await conflicto.waitFor();
      expect(await conflicto.textContent()).toContain(suya);
      expect(await b.getByText('Descripción guardada').count()).toBe(0);

      // He keeps his, knowingly; Teresa's page shows it live.
      await conflicto.getByRole('button', { name: 'Guardar la mía en su lugar' }).click();
      await b.getByRole('status').getByText('Descripción guardada').waitFor();
      await eventually(
        async () => ((await textbox(a).inputValue()) === mia ? true : undefined),
        'the kept description on the first page',
      );
    },
  );

  step('does not offer the validation decisions to a user without the validador role', async () => {
    const on = page('tramitador');
    await on.goto(expedientePath);
    await faseActual(on, FASE.validacion);
    await offersNoTransition(on);
    for (const fase of [FASE.finalizado, FASE.rechazado]) {
      expect(await on.getByRole('button', { name: fase, exact: true }).count()).toBe(0);
    }
    await screens.take(on, 'tramitador-sin-decision');
  });

  step('lets the validador finish it', async () => {
    const on = page('validador');
    await on.goto(expedientePath);
    await faseActual(on, FASE.validacion);
    const cambiarFase = section(on, 'Cambiar fase');
    for (const fase of [FASE.finalizado, FASE.rechazado]) {
      await cambiarFase.getByRole('button', { name: fase, exact: true }).waitFor();
    }
    expect(await cambiarFase.getByRole('button').count()).toBe(2);
    await screens.take(on, 'validador-decision');
    await changeTo('validador', FASE.finalizado);
    await untilText(definition(on, 'Estado'), /finalizado/i);
    // Finished, and said so: no buttons, no "cannot change it now", no final phase "en curso".
    const cambios = section(on, 'Cambiar fase');
    await cambios.getByText(new RegExp(`^Expediente finalizado el ${FECHA_HORA}$`)).waitFor();
    expect(await cambios.getByRole('button').count()).toBe(0);
    const ultima = section(on, 'Historial de fases').locator('tbody tr').last();
    await untilText(ultima, new RegExp(FASE.finalizado));
    expect(await ultima.textContent()).not.toMatch(/en curso/);
  });

  step('takes no more comments once it is finished, and says why', async () => {
    const on = page('validador');
    const comentarios = section(on, 'Comentarios');
    await comentarios
      .getByText('El expediente está finalizado: ya no admite comentarios', { exact: true })
      .waitFor();
    expect(await comentarios.getByRole('textbox').count()).toBe(0);
    expect(await comentarios.getByRole('button').count()).toBe(0);
    expect(await comentarios.getByRole('listitem').count()).toBe(1);
    await screens.take(on, 'comentarios-finalizado');
  });

  it("shows the tramitadora the validador's change live, without reloading", async () => {
    if (failed) throw new Error(`not run: the step "${failed}" failed before it`);
    // Her page has stayed on the detail since her last change: only the events move it.
    const on = page('tramitadora');
    expect(new URL(on.url()).pathname).toBe(expedientePath);
    await faseActual(on, FASE.finalizado);
  });

  step('shows the phase history and the audit timeline', async () => {
    const on = page('validador');
    expect(await columnHeaders(on, 'Historial de fases')).toEqual(
      expect.arrayContaining(['Fase', 'Fecha', 'Usuario', 'Fecha de fin', 'Finalizada por']),
    );
    const stays = section(on, 'Historial de fases').locator('tbody tr');
    await eventually(
      async () => ((await stays.count()) === 7 ? true : undefined),
      'seven stays in the phase history',
    );
    // The first line of the cell: the rejection's has its reason under the phase's name.
    const fases = await stays.locator('td:first-child').allInnerTexts();
    expect(fases.map((text) => text.split('\n')[0]?.trim())).toEqual([
      FASE.inicial,
      FASE.analisis,
      FASE.rechazado,
      FASE.inicial,
      FASE.analisis,
      FASE.validacion,
      FASE.finalizado,
    ]);
    // Each stay with a plazo says its last day under the phase's name; the final one has none.
    expect(await stays.first().locator('td:first-child').innerText()).toMatch(
      /Plazo hasta el \d{2}\/\d{2}\/\d{4}/,
    );
    expect(await stays.last().locator('td:first-child').innerText()).not.toContain('Plazo');
    // Who, by name: she opened it, he took it from validation and finished it.
    await shownAs(stays.first().locator('td[data-label="Usuario"]'), 'tramitadora');
    await shownAs(stays.first().locator('td[data-label="Finalizada por"]'), 'tramitadora');
    await shownAs(stays.nth(5).locator('td[data-label="Finalizada por"]'), 'validador');
    await shownAs(stays.last().locator('td[data-label="Usuario"]'), 'validador');

    const id = expedientePath.split('/').pop() as string;
    const history = await on.request.get(`/api/v1/expedientes/${id}/history`);
    expect(history.status()).toBe(200);
    const { entradas } = (await history.json()) as { entradas: unknown[] };
    expect(entradas.length).toBeGreaterThanOrEqual(7);
    const timeline = section(on, 'Auditoría').getByRole('list');
    await eventually(
      async () =>
        (await timeline.getByRole('listitem').count()) === entradas.length ? true : undefined,
      `${entradas.length} entries in the audit timeline`,
    );
    expect(await timeline.evaluate((list) => list.tagName)).toBe('OL');
    // Each change by who made it: a name, the username on hover.
    const who = await timeline
      .locator('.timeline__who')
      .evaluateAll((spans) => spans.map((span) => [span.textContent, span.getAttribute('title')]));
    const named = new Map(Object.values(personas).map((each) => [each.username, each.nombre]));
    expect(who).toEqual(who.map(([, username]) => [named.get(username ?? ''), username]));
    expect(new Set(who.map(([nombre]) => nombre))).toEqual(
      new Set([personas.tramitadora.nombre, personas.tramitador.nombre, personas.validador.nombre]),
    );
    await screens.take(on, 'historial-y-auditoria');
  });

  step('asks who is who once a page load; shows usernames it does not know, silently', async () => {
    const on = page('validador');
    const asked: string[] = [];
    const ask = (request: Request) => {
      if (new URL(request.url()).pathname === '/api/v1/people') asked.push(request.url());
    };
    on.on('request', ask);
    try {
      // One page load, several screens: the directory is asked for once.
      await on.goto(`/expedientes?q=${codigo}`);
      await on.getByRole('link', { name: codigo, exact: true }).click();
      await shownAs(definition(on, 'Creado por'), 'tramitadora');
      await on.goBack();
      await on.getByRole('link', { name: codigo, exact: true }).click();
      await shownAs(definition(on, 'Creado por'), 'tramitadora');
      expect(asked).toHaveLength(1);

      // A machine client is nobody in the directory: its name is its username, no title.
      const [pagina] = (
        (await (await on.request.get(`/api/v1/expedientes?q=PAG-${run}&pageSize=1`)).json()) as {
          items: Array<{ id: string }>;
        }
      ).items;
      const { creadoPor } = (await (
        await on.request.get(`/api/v1/expedientes/${pagina?.id}`)
      ).json()) as { creadoPor: string };
      expect(Object.values(personas).map((each) => each.username)).not.toContain(creadoPor);
      // (Its answer awaited, so that it is not taken below for the refused one.)
      const directorio = on.waitForResponse(
        (response) => new URL(response.url()).pathname === '/api/v1/people',
      );
      await on.goto(`/expedientes/${pagina?.id}`);
      await on.getByRole('heading', { level: 1, name: new RegExp(`^PAG-${run}-`) }).waitFor();
      expect((await directorio).status()).toBe(200);
      await eventually(async () => (asked.length === 2 ? true : undefined), 'the directory');
      await untilText(definition(on, 'Creado por'), creadoPor);
      expect(await definition(on, 'Creado por').locator('[title]').count()).toBe(0);

      // Without the directory (no authorization server: 404), usernames, and no error.
      const noPeople = (route: Route) =>
        route.fulfill({
          status: 404,
          contentType: 'application/problem+json',
          body: JSON.stringify({ status: 404, code: 'API.NOT_FOUND', detail: 'No existe' }),
        });
      await on.route('**/api/v1/people', noPeople);
      try {
        const refused = on.waitForResponse(
          (response) => new URL(response.url()).pathname === '/api/v1/people',
        );
        await on.goto(expedientePath);
        expect((await refused).status()).toBe(404);
        await faseActual(on, FASE.finalizado);
        await untilText(definition(on, 'Creado por'), personas.tramitadora.username);
        const stays = section(on, 'Historial de fases').locator('tbody tr');
        await untilText(
          stays.last().locator('td[data-label="Usuario"]'),
          personas.validador.username,
        );
        expect(await on.getByTitle(personas.tramitadora.username).count()).toBe(0);
        expect(await on.getByRole('alert').count()).toBe(0);
        await screens.take(on, 'personas-sin-directorio');
      } finally {
        await on.unroute('**/api/v1/people', noPeople);
      }
    } finally {
      on.off('request', ask);
    }
  });

  step('shows the expediente as it stood before, read-only, and back', async () => {
    const on = page('tramitadora');
    // The day dd/mm/aaaa and the time in 24 hours, whatever the browser's locale.
    const dia = on.getByLabel('Ver como estaba el', { exact: true });
    const hora = on.getByLabel('a las', { exact: true });
    const ver = on.getByRole('button', { name: 'Ver', exact: true });
    expect(await on.locator('input[type="datetime-local"]').count()).toBe(0);
    for (const [campo, formato] of [
      [dia, 'dd/mm/aaaa'],
      [hora, 'hh:mm'],
    ] as const) {
      expect(await campo.getAttribute('type')).toBe('text');
      expect(await campo.getAttribute('placeholder')).toBe(formato);
      expect(await campo.getAttribute('inputmode')).toBe('numeric');
    }
    /** The alert said at a field, which is marked invalid and described by it. */
    const toldAt = async (campo: Locator, aviso: string) => {
      const alert = on.getByRole('alert').filter({ hasText: aviso });
      await alert.waitFor();
      expect(await alert.textContent()).toBe(aviso);
      expect(await campo.getAttribute('aria-invalid')).toBe('true');
      expect(await campo.getAttribute('aria-describedby')).toBe(await alert.getAttribute('id'));
    };
    // Sent empty, then with a time that is none: told at each field, and nothing is asked.
    await ver.click();
    await toldAt(dia, 'Escriba el día como dd/mm/aaaa');
    await toldAt(hora, 'Escriba la hora como hh:mm');
    await dia.fill(ddmmaaaa(asOf.slice(0, 10)));
    await hora.fill('24:05');
    await ver.click();
    await toldAt(hora, 'Hora no válida: escríbala como hh:mm');
    expect(await dia.getAttribute('aria-invalid')).toBeNull();
    expect(new URL(on.url()).searchParams.has('asOf')).toBe(false);
    await screens.take(on, 'vista-a-fecha-hora-no-valida');

    // To the second (the expediente changed phase within a second of it): the URL keeps the
    // instant, in ISO, and the fields show it back.
    await hora.fill(asOf.slice(11, 19));
    await ver.click();
    const instante = new Date(`${asOf}Z`).toISOString();
    await on.waitForURL((url) => url.searchParams.get('asOf') === instante);
    expect(await dia.inputValue()).toBe(ddmmaaaa(asOf.slice(0, 10)));
    expect(await hora.inputValue()).toBe(asOf.slice(11, 19).replace(/:00$/, ''));
    const vista = on.getByRole('status').filter({ hasText: 'Vista a fecha' });
    // The long form: the month by name, the year in four digits.
    await untilText(vista.locator('span'), /^Vista a fecha \d{1,2} de [a-z]+ de \d{4}\b/);
    await faseActual(on, FASE.inicial);
    expect(await on.getByRole('button', { name: 'Guardar descripción' }).isVisible()).toBe(false);
    expect(await on.getByRole('heading', { name: 'Cambiar fase' }).isVisible()).toBe(false);
    expect(await on.getByRole('button', { name: FASE.analisis, exact: true }).count()).toBe(0);
    // The document had one version then: the later ones are not listed.
    const card = documentCard(on, versionadoId);
    await openVersions(card, 1);
    const rows = versionRows(card, files[1].name);
    await eventually(async () => ((await rows.count()) === 1 ? true : undefined), 'one version');
    await untilText(rows.locator('td[data-label="Versión"]'), '1');
    await screens.take(on, 'vista-a-fecha');

    await on.getByRole('button', { name: 'Volver al estado actual' }).click();
    await on.waitForURL((url) => url.pathname === expedientePath && !url.searchParams.has('asOf'));
    await faseActual(on, FASE.finalizado);
  });

  /** The expediente the assignment steps work on, opened for them: its code and detail. */
  const asignable = { codigo: `ASG-${run}`, path: '' };

  /** The "Asignado a …" or "Sin asignar" line of the detail. */
  const asignadoA = (on: Page, text: string) => untilText(on.getByTestId('asignado-a'), text);

  /**
   * The Asignación section offers exactly these buttons (once the directory, which "Asignar
   * a…" needs, has come).
   */
  const offersAssignment = (on: Page, expected: readonly string[]) =>
    eventually(
      async () => {
        const buttons = section(on, 'Asignación').getByRole('button');
        const names = (await buttons.allTextContents()).map((text) => text.trim());
        return names.join() === expected.join() ? true : undefined;
      },
      `the buttons [${expected.join(', ')}] in Asignación`,
    );

  /** The assignments the page sends while `body` runs: each one's body and Idempotency-Key. */
  const assignmentsSent = async (on: Page, body: () => Promise<void>) =>
    (await requestsSent(on, 'PUT', '/assignee', body)).map((request) => ({
      json: request.postDataJSON() as unknown,
      key: request.headers()['idempotency-key'],
    }));

  step('takes an expediente (Asignármelo) and finds it under "Asignados a mí"', async () => {
    const { publicUrl, admin } = platform();
    const token = await clientCredentialsToken(`${publicUrl}/auth/token`, admin);
    await openAsAdmin(token, asignable.codigo, 'Para asignar');
    const on = page('tramitadora');
    const id = await eventually(
      async () => (await idsByCodigo(on, asignable.codigo))[0],
      `${asignable.codigo} in the list`,
    );
    asignable.path = `/expedientes/${id}`;
    await on.goto(asignable.path);
    await on.getByRole('heading', { level: 1, name: asignable.codigo, exact: true }).waitFor();
    await asignadoA(on, 'Sin asignar');
    await offersAssignment(on, ['Asignármelo', 'Asignar a…']);
    // Another tramitador's page, which hears nothing live: it offers to take it still.
    const tomas = page('tramitador');
    const sinEventos = (route: Route) => route.abort();
    await tomas.route('**/api/v1/events', sinEventos);
    await tomas.goto(asignable.path);
    await asignadoA(tomas, 'Sin asignar');
    await offersAssignment(tomas, ['Asignármelo', 'Asignar a…']);

    const sent = await assignmentsSent(on, async () => {
      await section(on, 'Asignación').getByRole('button', { name: 'Asignármelo' }).click();
      await notice(on, `Expediente asignado a ${personas.tramitadora.nombre}`);
    });
    expect(sent).toEqual([
      { json: { asignadoA: personas.tramitadora.username }, key: expect.any(String) },
    ]);
    await asignadoA(on, `Asignado a ${personas.tramitadora.nombre}`);
    await shownAs(on.getByTestId('asignado-a'), 'tramitadora');
    await offersAssignment(on, ['Asignar a…', 'Liberar']);
    // His, too late: refused, told who has it, and shown as it is now.
    try {
      await section(tomas, 'Asignación').getByRole('button', { name: 'Asignármelo' }).click();
      await untilText(
        section(tomas, 'Asignación').getByRole('alert'),
        new RegExp(`^El expediente está asignado a ${personas.tramitadora.username}\\b`),
      );
      await asignadoA(tomas, `Asignado a ${personas.tramitadora.nombre}`);
      await offersAssignment(tomas, []);
      await screens.take(tomas, 'ya-asignado-a-otra');
    } finally {
      await tomas.unroute('**/api/v1/events', sinEventos);
    }
    // Hers: the phase is hers to change.
    const siguiente = section(on, 'Cambiar fase').getByRole('button', { name: FASE.analisis });
    expect(await siguiente.isEnabled()).toBe(true);
    await screens.take(on, 'asignado-a-mi');

    // The list: who has each, by name; "Asignados a mí" asks for hers, and the URL keeps it.
    await on.goto('/expedientes');
    const filtro = on.getByLabel('Asignado a', { exact: true });
    await filtro.waitFor(); // once the session is read and the list shown
    const opciones = await filtro.locator('option').allTextContents();
    expect(opciones.map((text) => text.trim())).toEqual(['Todos', 'Asignados a mí', 'Sin asignar']);
    const pedido = on.waitForRequest((request) => {
      const url = new URL(request.url());
      return (
        url.pathname === '/api/v1/expedientes' &&
        url.searchParams.get('asignadoA') === personas.tramitadora.username
      );
    });
    await filtro.selectOption({ label: 'Asignados a mí' });
    await pedido;
    await on.waitForURL((url) => url.searchParams.get('asignado') === 'mios');
    // Only hers (the header and one row), once the list has followed the assignment: it
    // lags a moment behind it.
    const onlyHers = async () =>
      (await on.getByRole('row').count()) === 2 &&
      (await on.getByRole('link', { name: asignable.codigo, exact: true }).count()) === 1;
    await eventually(async () => {
      if (await onlyHers()) return true;
      await sleep(500);
      if (await onlyHers()) return true;
      await on.reload();
      return undefined;
    }, `only ${asignable.codigo} under "Asignados a mí"`);
    const fila = on.getByRole('row').nth(1);
    await shownAs(fila.locator('td[data-label="Asignado a"]'), 'tramitadora');
    expect(await on.getByRole('columnheader', { name: 'Asignado a' }).count()).toBe(1);
    await screens.take(on, 'lista-asignados-a-mi');

    // "Sin asignar": not hers; nobody's are.
    await filtro.selectOption({ label: 'Sin asignar' });
    await on.waitForURL((url) => url.searchParams.get('asignado') === 'sinAsignar');
    await on.getByRole('navigation', { name: 'Paginación' }).waitFor();
    await untilText(
      on.getByRole('row').nth(1).locator('td[data-label="Asignado a"]'),
      'Sin asignar',
    );
    expect(await on.getByRole('link', { name: asignable.codigo, exact: true }).count()).toBe(0);

    // On a phone, folded with the other filters, and counted among those in use.
    await on.setViewportSize({ width: 390, height: 844 });
    try {
      await on.goto('/expedientes?asignado=mios');
      await on.getByRole('link', { name: asignable.codigo, exact: true }).waitFor();
      const plegados = on.getByRole('button', { name: 'Filtros (1 activo)', exact: true });
      expect(await plegados.getAttribute('aria-expanded')).toBe('false');
      expect(await filtro.isVisible()).toBe(false);
      expect(await pageWidth(on)).toBeLessThanOrEqual(390);
      await screens.take(on, 'lista-asignados-a-mi-movil');
      await plegados.click();
      await filtro.waitFor();
      expect(await filtro.inputValue()).toBe('mios');
      expect(await pageWidth(on)).toBeLessThanOrEqual(390);
    } finally {
      await on.setViewportSize({ width: 1280, height: 900 });
    }
  });

  step("Mis tareas: hers says 'Asignado a mí'; another tramitador's leaves it out", async () => {
    const [teresa, tomas] = [page('tramitadora'), page('tramitador')];
    await teresa.goto('/tareas');
    const suya = section(teresa, 'Esperan su acción')
      .getByRole('row')
      .filter({ has: teresa.getByRole('link', { name: asignable.codigo, exact: true }) });
    await untilText(suya.locator('td[data-label="Asignación"]'), 'Asignado a mí');
    await screens.take(teresa, 'mis-tareas-asignado-a-mi');
    const deElla = await tareasPorFase(teresa);
    await tomas.goto('/tareas?fase=INICIAL');
    // The same, but for the one she has.
    await cuentaTareas(tomas, {
      ...deElla,
      Todas: deElla.Todas - 1,
      [FASE.inicial]: deElla[FASE.inicial] - 1,
    });
    await section(tomas, 'Esperan su acción').getByRole('row').nth(1).waitFor();
    expect(await tomas.getByRole('link', { name: asignable.codigo, exact: true }).count()).toBe(0);
  });

  step(
    "shows someone else's expediente with its phase changes disabled, and who has it",
    async () => {
      const on = page('tramitador');
      await on.goto(asignable.path);
      await faseActual(on, FASE.inicial);
      await asignadoA(on, `Asignado a ${personas.tramitadora.nombre}`);
      // Not his, and he is no administrator: nothing to do with it.
      await offersAssignment(on, []);
      const cambiarFase = section(on, 'Cambiar fase');
      const siguiente = cambiarFase.getByRole('button', { name: FASE.analisis, exact: true });
      await siguiente.waitFor();
      expect(await siguiente.isDisabled()).toBe(true);
      await cambiarFase
        .getByText(
          `Asignado a ${personas.tramitadora.nombre}: solo esa persona o un administrador pueden cambiarlo de fase`,
          { exact: true },
        )
        .waitFor();
      await screens.take(on, 'asignado-a-otra');
      await on.setViewportSize({ width: 390, height: 844 });
      try {
        expect(await pageWidth(on)).toBeLessThanOrEqual(390);
        await screens.take(on, 'asignado-a-otra-movil');
      } finally {
        await on.setViewportSize({ width: 1280, height: 900 });
      }

      // The API agrees: his change of phase, and taking it, are refused.
      const id = asignable.path.split('/').pop() as string;
      const { csrfToken } = (await (await on.request.get('/api/v1/me')).json()) as {
        csrfToken: string;
      };
      const headers = { 'x-csrf-token': csrfToken };
      const transicion = await on.request.post(`/api/v1/expedientes/${id}/transitions`, {
        headers,
        data: { hacia: 'ANALISIS_TECNICO' },
      });
      expect(transicion.status()).toBe(422);
      expect(((await transicion.json()) as { code: string }).code).toBe('EXPEDIENTE.TRAMITA_OTRO');
      const tomarlo = await on.request.put(`/api/v1/expedientes/${id}/assignee`, {
        headers,
        data: { asignadoA: personas.tramitador.username },
      });
      expect(tomarlo.status()).toBe(409);
      expect(((await tomarlo.json()) as { code: string }).code).toBe('EXPEDIENTE.ASIGNADO_A_OTRO');
    },
  );

  step('passes it on with "Asignar a…", and its new assignee releases it', async () => {
    const [teresa, tomas] = [page('tramitadora'), page('tramitador')];
    await teresa.goto(asignable.path);
    await asignadoA(teresa, `Asignado a ${personas.tramitadora.nombre}`);
    await section(teresa, 'Asignación').getByRole('button', { name: 'Asignar a…' }).click();
    const dialog = teresa.getByRole('dialog', { name: 'Asignar a…' });
    const persona = dialog.getByLabel('Persona', { exact: true });
    // Everyone in the directory, by name, but who has it.
    const opciones = (await persona.locator('option').allTextContents()).map((text) => text.trim());
    expect(opciones).toContain(`${personas.tramitador.nombre} (${personas.tramitador.username})`);
    expect(opciones.join()).not.toContain(personas.tramitadora.username);
    await persona.selectOption(personas.tramitador.username);
    await screens.take(teresa, 'asignar-a');
    const sent = await assignmentsSent(teresa, async () => {
      await dialog.getByRole('button', { name: 'Asignar', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      await notice(teresa, `Expediente asignado a ${personas.tramitador.nombre}`);
    });
    expect(sent).toEqual([
      { json: { asignadoA: personas.tramitador.username }, key: expect.any(String) },
    ]);
    await asignadoA(teresa, `Asignado a ${personas.tramitador.nombre}`);
    // Now his: her phase changes are disabled, and say why.
    expect(
      await section(teresa, 'Cambiar fase')
        .getByRole('button', { name: FASE.analisis })
        .isDisabled(),
    ).toBe(true);
    await offersAssignment(teresa, []);

    // His page follows live: his now, to change or release.
    await asignadoA(tomas, `Asignado a ${personas.tramitador.nombre}`);
    expect(
      await section(tomas, 'Cambiar fase').getByRole('button', { name: FASE.analisis }).isEnabled(),
    ).toBe(true);
    await offersAssignment(tomas, ['Asignar a…', 'Liberar']);
    await section(tomas, 'Asignación').getByRole('button', { name: 'Liberar' }).click();
    await notice(tomas, 'Expediente liberado');
    await asignadoA(tomas, 'Sin asignar');
    await asignadoA(teresa, 'Sin asignar');
    // Each change in the audit.
    const auditoria = section(tomas, 'Auditoría').getByRole('listitem');
    for (const resumen of [
      `Asignado a ${personas.tramitadora.username}`,
      `Reasignado de ${personas.tramitadora.username} a ${personas.tramitador.username}`,
      `Liberado (lo tenía ${personas.tramitador.username})`,
    ]) {
      await auditoria.filter({ hasText: resumen }).waitFor();
    }
    await screens.take(tomas, 'liberado');
  });

  step('tells a duplicate code next to the Código field', async () => {
    const on = page('tramitador');
    await on.goto('/expedientes/nuevo');
    await on.getByRole('heading', { level: 1, name: 'Nuevo expediente' }).waitFor();
    const campo = on.getByRole('textbox', { name: 'Código' });
    await campo.fill(codigo);
    await on.getByLabel('Opción inicial').selectOption('PETICION_DEPARTAMENTO');
    await on.getByLabel('Documentos').setInputFiles([files[1]]);
    await on.getByRole('button', { name: 'Crear expediente' }).click();
    await eventually(
      async () => ((await campo.getAttribute('aria-invalid')) === 'true' ? true : undefined),
      'the Código field marked invalid',
    );
    const describedBy = (await campo.getAttribute('aria-describedby'))?.split(/\s+/) ?? [];
    const descriptions = await Promise.all(
      describedBy.map((id) => on.locator(`[id="${id}"]`).textContent()),
    );
    expect(descriptions.join(' ')).toContain(`Ya existe un expediente con el código ${codigo}`);
    expect(new URL(on.url()).pathname).toBe('/expedientes/nuevo');
    await screens.take(on, 'codigo-repetido');
  });

  /** Opening an expediente's POST, not the list's GET at the same path. */
  const isOpening = (url: URL) => url.pathname === '/api/v1/expedientes';

  /** A new expediente's form filled in, with one file, as `codigo`. */
  const fillNuevo = async (on: Page, codigoNuevo: string) => {
    await on.goto('/expedientes/nuevo');
    await on.getByRole('heading', { level: 1, name: 'Nuevo expediente' }).waitFor();
    await on.getByRole('textbox', { name: 'Código' }).fill(codigoNuevo);
    await on.getByLabel('Opción inicial').selectOption('PETICION_DEPARTAMENTO');
    await on.getByRole('textbox', { name: 'Descripción' }).fill(`Borrador de ${codigoNuevo}`);
    await on.getByLabel('Documentos').setInputFiles([files[1]]);
  };

  /** The expedientes the API finds with exactly this code: its ids. */
  const idsByCodigo = async (on: Page, codigoBuscado: string): Promise<string[]> => {
    const reply = await on.request.get(
      `/api/v1/expedientes?q=${encodeURIComponent(codigoBuscado)}`,
    );
    expect(reply.status()).toBe(200);
    const { items } = (await reply.json()) as { items: Array<{ id: string; codigo: string }> };
    return items.filter((item) => item.codigo === codigoBuscado).map((item) => item.id);
  };

  const cancelacion = (on: Page) => on.getByTestId('cancelacion');

  step('cancels an upload under way: nothing is opened, and it says so', async () => {
    const on = page('tramitador');
    const cancelado = `CAN-${run}`;
    await fillNuevo(on, cancelado);
    // The upload never reaches the server: held here until the browser gives it up.
    let held: (route: Route) => void = () => undefined;
    const arrived = new Promise<Route>((resolve) => (held = resolve));
    const hold = (route: Route) =>
      route.request().method() === 'POST' ? held(route) : route.fallback();
    await on.route(isOpening, hold);
    try {
      await on.getByRole('button', { name: 'Crear expediente' }).click();
      const route = await arrived;
      await on.getByRole('button', { name: 'Cancelar', exact: true }).click();
      await untilText(cancelacion(on), 'Se canceló: el expediente no se ha creado');
      await route.abort().catch(() => undefined); // the browser has already dropped it
    } finally {
      await on.unroute(isOpening, hold);
    }
    // Still on the form, as it was, until the user chooses.
    expect(new URL(on.url()).pathname).toBe('/expedientes/nuevo');
    expect(await on.getByRole('textbox', { name: 'Código' }).inputValue()).toBe(cancelado);
    await on.getByRole('button', { name: 'Crear expediente' }).waitFor();
    expect(await idsByCodigo(on, cancelado)).toEqual([]);
    await screens.take(on, 'cancelado-durante-la-subida');
  });

  step('cancels after the server opened it: says so and links to it', async () => {
    const on = page('tramitador');
    const abierto = `CAN2-${run}`;
    await fillNuevo(on, abierto);
    // The request reaches the server, which opens the expediente; its answer is held back.
    let fetched: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => (fetched = resolve));
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const holdAnswer = async (route: Route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      const response = await route.fetch();
      expect([201, 202]).toContain(response.status());
      fetched();
      await released;
      await route.fulfill({ response }).catch(() => undefined); // the browser gave it up
    };
    await on.route(isOpening, holdAnswer);
    let id = '';
    try {
      await on.getByRole('button', { name: 'Crear expediente' }).click();
      await opened;
      id = await eventually(
        async () => (await idsByCodigo(on, abierto))[0],
        `${abierto} in the list`,
      );
      await on.getByRole('button', { name: 'Cancelar', exact: true }).click();
      await cancelacion(on).getByText('El expediente ya se había creado:').waitFor();
    } finally {
      release();
      await on.unroute(isOpening, holdAnswer);
    }
    const link = cancelacion(on).getByRole('link', { name: abierto, exact: true });
    expect(await link.getAttribute('href')).toBe(`/expedientes/${id}`);
    expect(new URL(on.url()).pathname).toBe('/expedientes/nuevo');
    await screens.take(on, 'ya-creado-al-cancelar');
    await link.click();
    await on.getByRole('heading', { level: 1, name: abierto, exact: true }).waitFor();
  });

  step('keeps the form through an ended session and the login, but for its files', async () => {
    const on = page('tramitador');
    const recuperado = `BOR-${run}`;
    await fillNuevo(on, recuperado);
    // The session ends (here and at the authorization server) while the page stays.
    await on.context().clearCookies();
    await on.getByRole('button', { name: 'Crear expediente' }).click();
    await on.waitForURL(LOGIN_PAGE);
    await fillLoginForm(on, personas.tramitador);
    await on.waitForURL(/\/expedientes\/nuevo$/);
    await notice(on, `Recuperado el borrador; vuelva a elegir los archivos: ${files[1]?.name}`);
    expect(await on.getByRole('textbox', { name: 'Código' }).inputValue()).toBe(recuperado);
    expect(await on.getByLabel('Opción inicial').inputValue()).toBe('PETICION_DEPARTAMENTO');
    expect(await on.getByRole('textbox', { name: 'Descripción' }).inputValue()).toBe(
      `Borrador de ${recuperado}`,
    );
    await screens.take(on, 'borrador-recuperado');

    await on.getByLabel('Documentos').setInputFiles([files[1]]);
    await on.getByRole('button', { name: 'Crear expediente' }).click();
    await on.waitForURL(/\/expedientes\/(?!nuevo$)[^/?]+$/, { timeout: 45_000 });
    await on.getByRole('heading', { level: 1, name: recuperado, exact: true }).waitFor();
    // Created: the draft is gone.
    await on.goto('/expedientes/nuevo');
    await on.getByRole('heading', { level: 1, name: 'Nuevo expediente' }).waitFor();
    expect(await on.getByRole('textbox', { name: 'Código' }).inputValue()).toBe('');
    expect(await on.getByText('Recuperado el borrador').count()).toBe(0);
  });

  step('signs out of the platform and of the authorization server', async () => {
    const on = page('tramitador');
    // One click ends both sessions: no question from the authorization server.
    await on.getByRole('banner').getByRole('button', { name: 'Cerrar sesión' }).click();
    // Signed out everywhere: back at the start, the app sends the browser to the login page.
    await on.waitForURL(LOGIN_PAGE);
    await on.getByLabel('Contraseña').waitFor();
    // Coming back does not sign the user in again without a password.
    await on.goto('/');
    await on.waitForURL(LOGIN_PAGE);
    await on.getByLabel('Contraseña').waitFor();
  });

  /** The Usuarios screen's row of the user with `username`. */
  const userRow = (on: Page, username: string) =>
    on.getByRole('row').filter({ has: on.getByText(username, { exact: true }) });

  step('does not offer the users to a tramitador, nor show them to her', async () => {
    const on = page('tramitadora');
    const banner = on.getByRole('banner');
    await banner.getByRole('button', { name: 'Cerrar sesión' }).waitFor();
    expect(await banner.getByRole('link', { name: 'Usuarios' }).count()).toBe(0);
    const asked: string[] = [];
    const ask = (request: Request) => asked.push(new URL(request.url()).pathname);
    on.on('request', ask);
    await on.goto('/usuarios');
    await on.getByRole('heading', { level: 1, name: 'Usuarios' }).waitFor();
    await on.getByText('Solo un administrador puede gestionar los usuarios').waitFor();
    on.off('request', ask);
    expect(await on.getByRole('table').count()).toBe(0);
    expect(asked).not.toContain('/api/v1/users');
    await screens.take(on, 'usuarios-solo-administradores');
  });

  step('an administrator opens Usuarios from the header and creates a user', async () => {
    const on = await signIn('administradora');
    await on.getByRole('banner').getByRole('link', { name: 'Usuarios', exact: true }).click();
    await on.waitForURL(/\/usuarios$/);
    await on.getByRole('heading', { level: 1, name: 'Usuarios', exact: true }).waitFor();
    for (const persona of Object.values(personas)) {
      await userRow(on, persona.username).waitFor();
    }
    expect((await on.getByRole('columnheader').allTextContents()).map((h) => h.trim())).toEqual([
      'Nombre',
      'Roles',
      'Estado',
      'Acciones',
    ]);
    await screens.take(on, 'usuarios');

    const form = section(on, 'Nuevo usuario');
    const fill = async () => {
      await form.getByRole('textbox', { name: 'Nombre' }).fill(nueva.nombre);
      await form.getByRole('textbox', { name: 'Usuario' }).fill(nueva.username);
      await form.getByLabel('Contraseña provisional').fill(nueva.password);
      await form.getByRole('checkbox', { name: 'Tramitador' }).check();
    };
    await fill();
    await screens.take(on, 'nuevo-usuario');
    await form.getByRole('button', { name: 'Crear usuario' }).click();
    await notice(on, `Usuario ${nueva.username} creado`);
    const row = userRow(on, nueva.username);
    await untilText(row.getByRole('cell').nth(2), /^Habilitado/);
    // The password the administrator chose is provisional until the user replaces it.
    await row.getByText('Contraseña provisional').waitFor();
    expect(await row.getByRole('checkbox', { name: 'Tramitador' }).isChecked()).toBe(true);
    expect(await row.getByRole('checkbox', { name: 'Validador' }).isChecked()).toBe(false);
    // The form is empty again, for the next one.
    expect(await form.getByRole('textbox', { name: 'Usuario' }).inputValue()).toBe('');
    await screens.take(on, 'usuario-creado');

    // The same username again: the API's refusal, told next to the field.
    await fill();
    await form.getByRole('button', { name: 'Crear usuario' }).click();
    const campo = form.getByRole('textbox', { name: 'Usuario' });
    await eventually(
      async () => ((await campo.getAttribute('aria-invalid')) === 'true' ? true : undefined),
      'the Usuario field marked invalid',
    );
    const describedBy = (await campo.getAttribute('aria-describedby'))?.split(/\s+/) ?? [];
    const descriptions = await Promise.all(
      describedBy.map((id) => on.locator(`[id="${id}"]`).textContent()),
    );
    expect(descriptions.join(' ')).toContain(`Ya existe el usuario ${nueva.username}`);
    await screens.take(on, 'usuario-repetido');
  });

  step("changes the new user's roles, disables it (once confirmed) and enables it", async () => {
    const on = page('administradora');
    const row = userRow(on, nueva.username);
    await row.getByRole('checkbox', { name: 'Validador' }).check();
    await row.getByRole('button', { name: 'Guardar roles' }).click();
    await notice(on, `Roles de ${nueva.username} guardados`);
    const { usuarios } = (await (await on.request.get('/api/v1/users')).json()) as {
      usuarios: Array<{ username: string; roles: string[] }>;
    };
    const roles = usuarios.find((each) => each.username === nueva.username)?.roles;
    expect([...(roles ?? [])].sort()).toEqual(['tramitador', 'validador']);

    const estado = row.getByRole('cell').nth(2);
    const confirmacion = on.getByRole('dialog', { name: `¿Deshabilitar a ${nueva.nombre}?` });
    // Asked first: cancelling leaves it as it was.
    await row.getByRole('button', { name: /^Deshabilitar a / }).click();
    await confirmacion.getByRole('button', { name: 'Cancelar' }).click();
    await confirmacion.waitFor({ state: 'detached' });
    await untilText(estado, /^Habilitado/);

    await row.getByRole('button', { name: /^Deshabilitar a / }).click();
    await confirmacion.getByText(`${nueva.username} no podrá entrar`).waitFor();
    await screens.take(on, 'confirmar-deshabilitar');
    await confirmacion.getByRole('button', { name: 'Sí, deshabilitar' }).click();
    await confirmacion.waitFor({ state: 'detached' });
    await notice(on, `Usuario ${nueva.username} deshabilitado`);
    await untilText(estado, /^Deshabilitado/);
    await screens.take(on, 'usuario-deshabilitado');

    await row.getByRole('button', { name: /^Habilitar a / }).click();
    await notice(on, `Usuario ${nueva.username} habilitado`);
    await untilText(estado, /^Habilitado/);
  });

  step('gives the new user another provisional password, which the row still shows', async () => {
    const on = page('administradora');
    const row = userRow(on, nueva.username);
    await row.getByRole('button', { name: 'Restablecer contraseña' }).click();
    const dialog = on.getByRole('dialog', { name: `Restablecer contraseña de ${nueva.nombre}` });
    await dialog.getByLabel('Contraseña provisional').fill(nueva.provisional);
    await screens.take(on, 'restablecer-contrasena');
    await dialog.getByRole('button', { name: 'Restablecer', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await notice(on, `Contraseña de ${nueva.username} restablecida`);
    await row.getByText('Contraseña provisional').waitFor();
    await screens.take(on, 'contrasena-provisional');

    // On a phone: the table's rows become cards, as wide as the screen.
    await on.setViewportSize({ width: 390, height: 844 });
    expect(await pageWidth(on)).toBeLessThanOrEqual(390);
    await screens.take(on, 'usuarios-movil');
    await on.setViewportSize({ width: 1280, height: 900 });
  });

  step('the user signs in with it, chooses a new one and lands on Mis tareas', async () => {
    const on = await newPage(browser as Browser, platform().publicUrl);
    try {
      await on.goto('/');
      await on.waitForURL(LOGIN_PAGE);
      await fillLoginForm(on, { ...nueva, password: nueva.provisional, roles: [] });
      await on.getByRole('heading', { name: 'Elija una contraseña nueva' }).waitFor();
      await on.getByLabel('Contraseña provisional', { exact: true }).fill(nueva.provisional);
      await on.getByLabel('Contraseña nueva', { exact: true }).fill(nueva.definitiva);
      await on.getByLabel('Repita la contraseña nueva', { exact: true }).fill(nueva.definitiva);
      await screens.take(on, 'elegir-contrasena');
      await on.getByRole('button', { name: 'Cambiar la contraseña y entrar' }).click();
      await on.waitForURL(/\/tareas$/);
      await on.getByRole('heading', { level: 1, name: 'Mis tareas', exact: true }).waitFor();
      await untilText(on.getByRole('banner').getByTestId('usuario-actual'), /Lucía Trujillo/);
      await screens.take(on, 'nueva-mis-tareas');
    } finally {
      await on.context().close();
    }
    // No longer provisional, as the administrator sees once the screen loads again.
    const admin = page('administradora');
    await admin.reload();
    await userRow(admin, nueva.username).waitFor();
    expect(await userRow(admin, nueva.username).getByText('Contraseña provisional').count()).toBe(
      0,
    );
  });
}
