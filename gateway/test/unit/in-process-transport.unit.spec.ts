import { Readable } from 'node:stream';
import { ReadableStream as NodeReadableStream } from 'node:stream/web';
import express from 'express';
import { inProcessTransport } from '../../src/adapters/http/in-process-transport';

const chunks = async function* (count: number, size: number, fail?: Error) {
  for (let index = 0; index < count; index += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    yield new Uint8Array(size).fill(index % 256);
  }
  if (fail) throw fail;
};

function app() {
  const handler = express();
  const seen: { closed?: boolean; aborted?: boolean; ip?: string } = {};
  handler.post('/echo', express.json(), (req, res) => {
    seen.ip = req.ip;
    res
      .status(201)
      .set('x-echo', req.get('x-echo') ?? '')
      .json({ got: req.body });
  });
  handler.post('/count', express.raw({ type: '*/*', limit: '10mb' }), (req, res) => {
    res.json({ bytes: (req.body as Buffer).length, first: (req.body as Buffer)[0] });
  });
  handler.post('/refuse', (_req, res) => {
    res.status(401).json({ title: 'no' });
  });
  handler.get('/download', (_req, res) => {
    res.type('application/octet-stream');
    let left = 64;
    const next = () => {
      while (left > 0) {
        left -= 1;
        if (!res.write(Buffer.alloc(16 * 1024, left))) return void res.once('drain', next);
      }
      res.end();
    };
    next();
  });
  handler.delete('/thing', (_req, res) => {
    res.status(204).end();
  });
  handler.get('/slow', (req, res) => {
    req.on('close', () => (seen.closed = true));
    res.on('close', () => (seen.aborted = !res.writableEnded));
  });
  handler.post('/stream-fails', (req, res) => {
    req.on('error', () => undefined);
    req.on('close', () => (seen.closed = true));
    req.resume();
    res.on('close', () => undefined);
  });
  return { transport: inProcessTransport(handler), seen };
}

describe('inProcessTransport', () => {
  it('answers a JSON call with status, headers and body, the caller seen as local', async () => {
    const { transport, seen } = app();
    const response = await transport('http://in-process/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-echo': 'hola' },
      body: JSON.stringify({ asunto: 'Licencia' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-echo')).toBe('hola');
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toEqual({ got: { asunto: 'Licencia' } });
    expect(seen.ip).toBe('127.0.0.1');
  });

  it('streams an upload larger than any buffer, in order, and bytes as they are', async () => {
    const { transport } = app();
    const streamed = await transport('http://in-process/count', {
      method: 'POST',
      headers: { 'content-type': 'application/pdf' },
      body: chunks(40, 64 * 1024) as unknown as RequestInit['body'],
    });
    expect(await streamed.json()).toEqual({ bytes: 40 * 64 * 1024, first: 0 });
    const bytes = await transport('http://in-process/count', {
      method: 'POST',
      headers: { 'content-type': 'application/pdf' },
      body: new Uint8Array([7, 8, 9]),
    });
    expect(await bytes.json()).toEqual({ bytes: 3, first: 7 });
  });

  it('leaves the rest of an upload unsent when the service answers before reading it', async () => {
    const { transport } = app();
    const response = await transport('http://in-process/refuse', {
      method: 'POST',
      body: chunks(1_000, 64 * 1024) as unknown as RequestInit['body'],
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ title: 'no' });
  });

  it('streams a download written with backpressure', async () => {
    const { transport } = app();
    const response = await transport('http://in-process/download', {});
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.length).toBe(64 * 16 * 1024);
    expect([body[0], body[body.length - 1]]).toEqual([63, 0]);
  });

  it('lets the caller stop reading a download midway, and the service stop writing', async () => {
    const { transport } = app();
    const response = await transport('http://in-process/download', {});
    // As the gateway reads it, and drops it when its own client goes away.
    Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>).destroy();
    // What the service still writes goes nowhere, and throws nowhere.
    await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it('gives a body-less status no body', async () => {
    const { transport } = app();
    const response = await transport('http://in-process/thing', { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('breaks the exchange off on both sides when the signal aborts', async () => {
    const { transport, seen } = app();
    const controller = new AbortController();
    const pending = transport('http://in-process/slow', { signal: controller.signal });
    controller.abort(new Error('timed out'));
    await expect(pending).rejects.toThrow('timed out');
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toMatchObject({ closed: true, aborted: true });
  });

  it('fails with the error of a request body that breaks off', async () => {
    const { transport, seen } = app();
    const pending = transport('http://in-process/stream-fails', {
      method: 'POST',
      body: chunks(3, 1024, new Error('upload too large')) as unknown as RequestInit['body'],
    });
    await expect(pending).rejects.toThrow('upload too large');
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.closed).toBe(true);
  });
});
