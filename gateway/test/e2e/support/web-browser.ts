import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { programPath } from '@expedientes/shared-kernel/testing';
import { runDir } from './processes';
import { Persona } from './users';

/**
 * Debian's Chromium, headless, driven by playwright-core (which never downloads a browser).
 * As root, as in CI's containers, Chromium's sandbox cannot start; /dev/shm may be small there.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: programPath('chromium'),
    headless: true,
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-dev-shm-usage'],
  });
}

/** One browser context per person: its own cookies, so its own session. */
export async function newPage(browser: Browser, publicUrl: string): Promise<Page> {
  const context = await browser.newContext({
    baseURL: publicUrl,
    locale: 'es-ES',
    // datetime-local inputs then take UTC, as the test's own clock writes it.
    timezoneId: 'UTC',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  // The read models lag behind the commands a moment: the UI waits for them, and so do we.
  context.setDefaultTimeout(20_000);
  context.setDefaultNavigationTimeout(30_000);
  return context.newPage();
}

/** The screenshot of each screen, numbered in the order taken: <dir>/NN-<screen>.png. */
export class Screenshots {
  private taken = 0;

  constructor(readonly dir: string) {}

  /** .servers/screenshots/<mode>, emptied: only this run's screens in it. */
  static forMode(mode: string): Screenshots {
    const dir = join(runDir, 'screenshots', mode);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    return new Screenshots(dir);
  }

  async take(page: Page, screen: string): Promise<string> {
    this.taken += 1;
    const file = join(this.dir, `${String(this.taken).padStart(2, '0')}-${screen}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  }
}

/** The authorization server's login page (services/auth), filled in and sent. */
export async function fillLoginForm(page: Page, persona: Persona): Promise<void> {
  await page.getByLabel('Usuario').fill(persona.username);
  await page.getByLabel('Contraseña').fill(persona.password);
  await page.getByRole('button', { name: 'Entrar' }).click();
}

/** A login page of the authorization server: /auth/interaction/<uid>. */
export const LOGIN_PAGE = /\/auth\/interaction\/[^/]+$/;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Waits until the element reads `expected` (the whole text, trimmed, or a pattern), and says
 * what it read instead when it never does.
 */
export async function untilText(
  locator: Locator,
  expected: string | RegExp,
  timeoutMs = 20_000,
): Promise<void> {
  const matches = (text: string) =>
    typeof expected === 'string' ? text.trim() === expected : expected.test(text);
  const deadline = Date.now() + timeoutMs;
  let last = '(nothing found)';
  while (Date.now() < deadline) {
    const texts = await locator.allTextContents();
    if (texts.length > 0) last = texts.map((text) => JSON.stringify(text.trim())).join(', ');
    if (texts.length === 1 && matches(texts[0])) return;
    await sleep(200);
  }
  throw new Error(`${String(locator)} should read ${String(expected)}, but read ${last}`);
}

/** The <section> (or region) headed by `heading`. */
export const section = (page: Page, heading: string): Locator =>
  page
    .locator('section, [role="region"]')
    .filter({ has: page.getByRole('heading', { name: heading, exact: true }) })
    .last();
