import { get, IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** One server-sent event as a client reads it; comments (`: ...`) come as `comment`. */
export interface ServerSentEvent {
  readonly event?: string;
  readonly data?: string;
  readonly retry?: string;
  readonly comment?: string;
}

export interface EventStreamReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The next frame, waiting up to `timeoutMs` for it. */
  next(timeoutMs?: number): Promise<ServerSentEvent>;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  /** Hangs up, as a browser tab that closes. */
  close(): void;
}

const parseFrame = (frame: string): ServerSentEvent => {
  const fields: Record<string, string> = {};
  for (const line of frame.split('\n')) {
    const colon = line.indexOf(':');
    const name = colon === 0 ? 'comment' : colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    fields[name] = fields[name] === undefined ? value : `${fields[name]}\n${value}`;
  }
  return fields;
};

/**
 * Opens `url` as EventSource would (Accept: text/event-stream) and reads its frames. Node's
 * http rather than fetch: hanging up then closes the connection at once, as a browser does.
 */
export async function openEventStream(
  url: string,
  headers: Record<string, string> = {},
): Promise<EventStreamReply> {
  const request = get(url, { headers: { accept: 'text/event-stream', ...headers } });
  const response = await new Promise<IncomingMessage>((resolve, reject) =>
    request.once('response', resolve).once('error', reject),
  );
  request.on('error', () => undefined); // hung up by us
  const frames: ServerSentEvent[] = [];
  const waiting: Array<() => void> = [];
  let buffer = '';
  let ended = false;
  const wake = () => waiting.splice(0).forEach((resume) => resume());
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      frames.push(parseFrame(buffer.slice(0, end)));
      buffer = buffer.slice(end + 2);
    }
    wake();
  });
  const reading = new Promise<void>((resolve) =>
    response.once('close', () => {
      ended = true;
      wake();
      resolve();
    }),
  );
  return {
    status: response.statusCode ?? 0,
    headers: response.headers,
    ended: reading,
    close: () => request.destroy(),
    async next(timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (frames.length === 0) {
        if (ended) throw new Error('the stream ended');
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no frame within ${timeoutMs} ms`);
        await new Promise<void>((resume) => {
          const timer = setTimeout(resume, left);
          waiting.push(() => {
            clearTimeout(timer);
            resume();
          });
        });
      }
      return frames.shift()!;
    },
  };
}

/** The next `expediente` event's data, skipping heartbeats and the retry frame. */
export async function nextChange(
  stream: EventStreamReply,
  timeoutMs = 5_000,
): Promise<{ expedienteId: string; version: number; tipo: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = await stream.next(Math.max(1, deadline - Date.now()));
    if (frame.event === 'expediente' && frame.data) return JSON.parse(frame.data);
  }
}
