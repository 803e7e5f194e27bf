import {
  Agent as HttpAgent,
  ClientRequest,
  IncomingMessage,
  request as httpRequest,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpTransport, WITHOUT_BODY } from './in-process-transport';

/** The code of a connection that was not made in time: nothing reached the service. */
export const CONNECT_TIMEOUT = 'CONNECT_TIMEOUT';

/** The answer's head as fetch gives it, its body streamed as it arrives. */
function responseOf(answer: IncomingMessage): Response {
  const headers = new Headers();
  const raw = answer.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) headers.append(raw[index], raw[index + 1]);
  const status = answer.statusCode ?? 502;
  let body: ReadableStream | null = null;
  if (WITHOUT_BODY.has(status)) answer.resume();
  else body = Readable.toWeb(answer) as ReadableStream;
  return new Response(body, { status, statusText: answer.statusMessage, headers });
}

/** Sends the body: whole (its length known), or streamed as its source yields it. */
async function send(request: ClientRequest, body: RequestInit['body']): Promise<void> {
  if (body === undefined || body === null) request.end();
  else if (typeof body === 'string' || body instanceof Uint8Array) request.end(body);
  else if (Symbol.asyncIterator in body) {
    await pipeline(Readable.from(body as AsyncIterable<Uint8Array>), request);
  } else throw new TypeError('a request body this transport does not send');
}

export interface NodeHttpTransportOptions {
  /**
   * How long a new connection may take, as fetch allows: a streamed upload's deadline only
   * starts once it is sent.
   */
  readonly connectTimeoutMs?: number;
  /** How host names are resolved: the system's resolver by default. */
  readonly lookup?: LookupFunction;
}

/**
 * Requests over node:http(s) with keep-alive connections, answered as fetch answers: fetch
 * (undici) spent several times the CPU of a plain request on each call. A failure before
 * any answer rejects as fetch does, a TypeError whose `cause` is the socket's error (with
 * its `code`); an aborted signal breaks the exchange off, the answer's body included.
 */
export function nodeHttpTransport({
  connectTimeoutMs = 10_000,
  lookup,
}: NodeHttpTransportOptions = {}): HttpTransport {
  // Node drops an idle connection before the server's announced keep-alive timeout ends.
  const plain = new HttpAgent({ keepAlive: true, scheduling: 'lifo' });
  const tls = new HttpsAgent({ keepAlive: true, scheduling: 'lifo' });
  return (target, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(target);
      const secure = url.protocol === 'https:';
      const options = {
        method: init.method ?? 'GET',
        headers: Object.fromEntries(new Headers(init.headers)),
        agent: secure ? tls : plain,
        signal: init.signal ?? undefined,
        ...(lookup ? { lookup } : {}),
      };
      // Once answered, a failure is the answer's body's own (a service closing the connection
      // on the rest of an upload it refused is none of the exchange's).
      let answered = false;
      const failed = (error: unknown): void => {
        if (!answered) reject(new TypeError(`request to ${url.host} failed`, { cause: error }));
      };
      const request = (secure ? httpsRequest : httpRequest)(url, options, (answer) => {
        try {
          const response = responseOf(answer);
          answered = true;
          resolve(response);
        } catch (error) {
          // A status no Response can hold (a service answering 600): a failure, not a crash.
          failed(error);
          answer.destroy();
        }
      });
      request.on('error', failed);
      request.once('socket', (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(() => {
          const error = new Error(`no connection to ${url.host} in ${connectTimeoutMs} ms`);
          request.destroy(Object.assign(error, { code: CONNECT_TIMEOUT }));
        }, connectTimeoutMs);
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      // A body that fails stops the request (pipeline destroyed it already, if streamed).
      send(request, init.body).catch((error: unknown) => {
        request.destroy(error instanceof Error ? error : new Error(String(error)));
        failed(error);
      });
    });
}
