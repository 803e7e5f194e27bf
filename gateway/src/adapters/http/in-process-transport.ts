import { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { PassThrough } from 'node:stream';

/** How a ServiceClient sends its requests: fetch's signature. */
export type HttpTransport = (url: string, init: RequestInit) => Promise<Response>;

/** Statuses whose answer has no body, which a Response refuses one for. */
export const WITHOUT_BODY: ReadonlySet<number> = new Set([101, 204, 205, 304]);

type Body = NonNullable<RequestInit['body']>;

/** The request as the handler would parse it off the wire, its body still to come. */
function requestOf(url: URL, init: RequestInit, socket: Socket): IncomingMessage {
  const request = new IncomingMessage(socket);
  request.method = (init.method ?? 'GET').toUpperCase();
  request.url = `${url.pathname}${url.search}`;
  request.httpVersion = '1.1';
  request.httpVersionMajor = 1;
  request.httpVersionMinor = 1;
  const headers = new Headers(init.headers);
  headers.set('host', url.host);
  const body = init.body ?? undefined;
  if (typeof body === 'string') headers.set('content-length', String(Buffer.byteLength(body)));
  else if (body instanceof Uint8Array) headers.set('content-length', String(body.byteLength));
  // A streamed body's length is not known before it ends, as with fetch.
  else if (body !== undefined) headers.set('transfer-encoding', 'chunked');
  request.headers = Object.fromEntries(headers);
  request.rawHeaders = [...headers].flat();
  return request;
}

/**
 * Feeds the body into the request as the handler reads it: its backpressure holds the sender.
 * Once the handler has answered, what it did not read is left unsent, as a server would drop it.
 */
function feed(request: IncomingMessage, response: ServerResponse, body: Body | undefined) {
  let wanted: (() => void) | undefined;
  // An own property: the handler's framework may change the request's prototype.
  request._read = () => wanted?.();
  response.once('finish', () => wanted?.());
  /** False once nobody reads any more. */
  const push = async (chunk: Uint8Array): Promise<boolean> => {
    if (response.writableEnded) return false;
    if (request.destroyed) throw new Error('the service broke off reading the request');
    const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!request.push(buffer)) await new Promise<void>((resolve) => (wanted = resolve));
    return true;
  };
  const sendAll = async (): Promise<void> => {
    if (typeof body === 'string') await push(Buffer.from(body));
    else if (body instanceof Uint8Array) await push(body);
    else if (body !== undefined) {
      if (!(Symbol.asyncIterator in body)) {
        throw new TypeError('a request body the in-process transport does not send');
      }
      for await (const chunk of body as AsyncIterable<Uint8Array>) {
        if (!(await push(chunk))) return;
      }
    }
    request.complete = true;
    request.push(null);
  };
  return sendAll();
}

/**
 * Where the handler's answer goes: its head resolves `answered`, its body streams into `body`
 * (with the handler's writes held back while the caller does not read).
 */
function captureResponse(
  response: ServerResponse,
  body: PassThrough,
  answered: (status: number, headers: Headers) => void,
  brokenOff: (error: Error) => void,
): { close(): void } {
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    response.emit('close');
  };
  let headed = false;
  const head = (): void => {
    if (headed) return;
    headed = true;
    if (!response.headersSent) response.writeHead(response.statusCode);
    const headers = new Headers();
    for (const [name, value] of Object.entries(response.getHeaders())) {
      if (Array.isArray(value)) for (const each of value) headers.append(name, each);
      else if (value !== undefined) headers.set(name, String(value));
    }
    answered(response.statusCode, headers);
  };
  const chunkOf = (chunk: unknown, encoding?: BufferEncoding): Buffer =>
    typeof chunk === 'string' ? Buffer.from(chunk, encoding) : Buffer.from(chunk as Uint8Array);
  const write = (chunk: unknown, encoding?: BufferEncoding, callback?: () => void): boolean => {
    head();
    return body.write(chunkOf(chunk, encoding), callback);
  };
  type Callback = () => void;
  // Own properties, which the framework's prototype for responses does not hide.
  Object.assign(response, {
    write(chunk: unknown, encoding?: BufferEncoding | Callback, done?: Callback): boolean {
      return typeof encoding === 'function'
        ? write(chunk, undefined, encoding)
        : write(chunk, encoding, done);
    },
    end(chunk?: unknown, encoding?: BufferEncoding | Callback, done?: Callback) {
      if (response.writableEnded) return response;
      const callback = [chunk, encoding, done].find((each) => typeof each === 'function') as
        Callback | undefined;
      if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') {
        write(chunk, typeof encoding === 'string' ? encoding : undefined);
      } else head();
      response.finished = true;
      body.end(() => {
        callback?.();
        response.emit('finish');
        close();
      });
      return response;
    },
    destroy(error?: Error) {
      if (!response.writableEnded) {
        response.finished = true;
        const reason = error ?? new Error('the service broke off its answer');
        // Before its head, as a connection closed before any answer: the exchange fails.
        if (!headed) brokenOff(reason);
        body.destroy(reason);
        close();
      }
      return response;
    },
  });
  body.on('drain', () => response.emit('drain'));
  // A reader learns of a broken-off answer through its stream; before one reads, nobody asks.
  body.on('error', () => undefined);
  return { close };
}

/**
 * The services' internal API in this process, called without a socket: the request goes
 * straight into their HTTP handler, so it meets the same token check, validation and errors
 * as over the network, without a TCP connection, two HTTP parsers and fetch's machinery on
 * each call. Bodies stream both ways with backpressure, downloads and uploads included; an
 * aborted signal breaks the exchange off on both sides, as a closed connection would.
 */
export function inProcessTransport(handler: RequestListener): HttpTransport {
  return (target, init) =>
    new Promise<Response>((resolve, reject) => {
      const socket = new Socket();
      // The peer is this process; a stand-in socket has no address of its own.
      Object.defineProperty(socket, 'remoteAddress', { value: '127.0.0.1' });
      socket.on('error', () => undefined);
      const request = requestOf(new URL(target), init, socket);
      const response = new ServerResponse(request);
      const body = new PassThrough();
      let settled = false;
      const exchange = captureResponse(
        response,
        body,
        (status, headers) => {
          if (settled) return;
          settled = true;
          if (WITHOUT_BODY.has(status)) {
            body.resume();
            resolve(new Response(null, { status, headers }));
          } else {
            // Pulled, not Readable.toWeb: Node 20's adapter enqueues a chunk already on its way
            // after the reader cancels (a client gone mid-download), and throws where none catches.
            resolve(new Response(ReadableStream.from(body), { status, headers }));
          }
        },
        // Called only later, once the handler runs.
        (error) => breakOff(error),
      );
      const breakOff = (error: unknown): void => {
        if (!settled) {
          settled = true;
          reject(error);
        }
        request.destroy(error as Error);
        body.destroy(error as Error);
        exchange.close();
      };
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return breakOff(signal.reason);
      signal?.addEventListener('abort', () => breakOff(signal.reason), { once: true });
      feed(request, response, init.body ?? undefined).catch(breakOff);
      handler(request, response);
    });
}
