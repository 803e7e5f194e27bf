import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { CONNECT_TIMEOUT, nodeHttpTransport } from '../../src/adapters/http/node-http-transport';
import { freePort } from '../e2e/support/processes';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('The transport the gateway calls the services with (node:http)', () => {
  let server: Server;
  let url: string;
  let handler: Handler;
  const transport = nodeHttpTransport();

  beforeAll(async () => {
    server = createServer((req, res) => handler(req, res));
    // No idle close cuts a held upload short: a transport that waits for its end hangs.
    server.keepAliveTimeout = 120_000;
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  });

  const bodyOf = async (req: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString();
  };

  it('sends the method, headers and body, and answers as fetch does', async () => {
    const seen: Array<{ method?: string; auth?: string; body: string; port?: number }> = [];
    handler = (req, res) =>
      void bodyOf(req).then((body) => {
        seen.push({
          method: req.method,
          auth: req.headers.authorization,
          body,
          port: req.socket.remotePort,
        });
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    const call = () =>
      transport(`${url}/x?y=1`, {
        method: 'POST',
        headers: new Headers({ authorization: 'Bearer t' }),
        body: JSON.stringify({ hacia: 'VALIDACION' }),
      });

    const first = await call();
    expect(first.status).toBe(201);
    expect(first.headers.get('content-type')).toBe('application/json');
    expect(first.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await first.json()).toEqual({ ok: true });
    await (await call()).text();
    expect(seen.map(({ method, auth, body }) => ({ method, auth, body }))).toEqual([
      { method: 'POST', auth: 'Bearer t', body: '{"hacia":"VALIDACION"}' },
      { method: 'POST', auth: 'Bearer t', body: '{"hacia":"VALIDACION"}' },
    ]);
    // The second call went over the first one's connection.
    expect(seen[1].port).toBe(seen[0].port);
  });

  it('hands on a refusal given before the end of an upload, its body included', async () => {
    handler = (req, res) => {
      req.resume();
      req.once('data', () => res.writeHead(413).end('too large'));
    };
    // The upload goes on only once the refusal is in hand; the service may then close the
    // connection on the rest of it.
    let answerInHand = (): void => undefined;
    const inHand = new Promise<void>((resolve) => (answerInHand = resolve));
    async function* upload(): AsyncIterable<Uint8Array> {
      yield new Uint8Array(64 * 1024);
      await inHand;
      yield new Uint8Array(64 * 1024);
    }
    const answer = await transport(`${url}/upload`, { method: 'POST', body: upload() as never });
    answerInHand();
    expect(answer.status).toBe(413);
    expect(await answer.text()).toBe('too large');
  });

  it('answers a 304 without a body', async () => {
    handler = (_req, res) => res.writeHead(304, { etag: '"v1"' }).end();
    const answer = await transport(`${url}/c`, {
      headers: new Headers({ 'if-none-match': '"v1"' }),
    });
    expect(answer.status).toBe(304);
    expect(answer.body).toBeNull();
  });

  it('fails as fetch does when nothing answers, with the socket error as its cause', async () => {
    const closed = await freePort();
    const failure = await transport(`http://127.0.0.1:${closed}/x`, {}).catch((e) => e);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });

  it('fails, without taking the process down, on a status no answer may have', async () => {
    handler = (_req, res) => res.writeHead(600).end('?');
    const failure = await transport(`${url}/odd`, {}).catch((e) => e);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as { cause?: Error }).cause?.name).toBe('RangeError');
  });

  it('gives up a connection not made in time, as not sent', async () => {
    // A name whose lookup never ends: the socket stays connecting.
    const stuck = nodeHttpTransport({ connectTimeoutMs: 50, lookup: () => undefined });
    const failure = await stuck(`http://servicio.invalid:80/x`, {}).catch((e) => e);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as { cause?: { code?: string } }).cause?.code).toBe(CONNECT_TIMEOUT);
  });

  it('breaks off an answer whose body is still coming when the signal aborts', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first part');
    };
    const controller = new AbortController();
    const answer = await transport(`${url}/slow`, { signal: controller.signal });
    expect(answer.status).toBe(200);
    const reading = answer.text();
    controller.abort(new Error('deadline'));
    await expect(reading).rejects.toBeDefined();
  });

  it('passes the failure of a streamed body on, without an answer', async () => {
    handler = (req) => req.resume();
    async function* failing(): AsyncIterable<Uint8Array> {
      yield new Uint8Array(10);
      throw new Error('the client went away');
    }
    const failure = await transport(`${url}/upload`, { method: 'POST', body: failing() as never })
      .then(() => null)
      .catch((e: unknown) => e);
    expect((failure as { cause?: Error }).cause?.message).toBe('the client went away');
  });
});
