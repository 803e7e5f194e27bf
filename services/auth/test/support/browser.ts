/**
 * An HTTP client that behaves like a browser without JavaScript: it keeps cookies (by name and
 * path, dropping expired ones) and follows redirects within the servers under test, stopping
 * at the first redirect to anywhere else (the gateway's callback, which nobody serves here).
 */
interface Cookie {
  readonly name: string;
  readonly value: string;
  readonly path: string;
}

export interface Visit {
  readonly status: number;
  readonly url: string;
  readonly body: string;
  readonly headers: Headers;
  /** Where the last redirect pointed, when it left the servers under test. */
  readonly redirectedTo?: URL;
}

const defaultPath = (url: URL): string => {
  const slash = url.pathname.lastIndexOf('/');
  return slash <= 0 ? '/' : url.pathname.slice(0, slash);
};

const pathMatches = (cookiePath: string, requestPath: string): boolean =>
  requestPath === cookiePath ||
  requestPath.startsWith(cookiePath.endsWith('/') ? cookiePath : `${cookiePath}/`);

export class Browser {
  private cookies: Cookie[] = [];

  /**
   * `origins`: the servers this browser follows redirects to; `headers`: sent with every
   * request (a proxy's X-Forwarded-For, say).
   */
  constructor(
    private readonly origins: readonly string[],
    private readonly headers: Readonly<Record<string, string>> = {},
  ) {}

  async get(url: string | URL): Promise<Visit> {
    return this.visit(new URL(url), { method: 'GET' });
  }

  /** Submits a form as a browser does (application/x-www-form-urlencoded). */
  async submit(url: string | URL, fields: Record<string, string>): Promise<Visit> {
    return this.visit(new URL(url), { method: 'POST', body: new URLSearchParams(fields) });
  }

  cookieNames(): string[] {
    return this.cookies.map((cookie) => cookie.name);
  }

  private async visit(
    start: URL,
    first: { method: string; body?: URLSearchParams },
  ): Promise<Visit> {
    let url = start;
    let request = first;
    for (let hops = 0; hops < 20; hops += 1) {
      const response = await fetch(url, {
        method: request.method,
        body: request.body,
        redirect: 'manual',
        headers: { ...this.headers, cookie: this.cookieHeader(url) },
      });
      this.store(url, response.headers.getSetCookie());
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        const { status, headers } = response;
        return { status, url: url.href, body: await response.text(), headers };
      }
      await response.arrayBuffer();
      const next = new URL(location, url);
      if (!this.origins.includes(next.origin)) {
        const { status, headers } = response;
        return { status, url: url.href, body: '', headers, redirectedTo: next };
      }
      url = next;
      request = { method: 'GET' };
    }
    throw new Error(`too many redirects from ${start.href}`);
  }

  private cookieHeader(url: URL): string {
    return this.cookies
      .filter((cookie) => pathMatches(cookie.path, url.pathname))
      .map(({ name, value }) => `${name}=${value}`)
      .join('; ');
  }

  private store(url: URL, headers: readonly string[]): void {
    for (const header of headers) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);
      const attribute = (key: string) =>
        attributes.find((item) => item.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const path = attribute('path') ?? defaultPath(url);
      const expires = attribute('expires');
      const maxAge = attribute('max-age');
      const expired =
        (maxAge !== undefined && Number(maxAge) <= 0) ||
        (expires !== undefined && new Date(expires).getTime() <= Date.now());
      this.cookies = this.cookies.filter((cookie) => cookie.name !== name || cookie.path !== path);
      if (!expired) this.cookies.push({ name, value, path });
    }
  }
}

/** The action of the first form of a page, and the values of its hidden inputs. */
export function formOf(
  html: string,
  pageUrl: string,
): { action: URL; fields: Record<string, string> } {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error(`no form in the page:\n${html}`);
  const fields: Record<string, string> = {};
  for (const input of form[2].matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1];
    if (name) fields[name] = value ?? '';
  }
  return { action: new URL(form[1].replace(/&amp;/g, '&'), pageUrl), fields };
}
