import { problem } from '@expedientes/shared-kernel/adapters/runtime';
import { Response } from 'express';
import { CambioDeExpediente } from '../model/cambio-de-expediente';
import { ExpedienteChanges } from '../ports/expediente-changes';
import { ProblemError } from '../problem-error';

export interface LiveUpdatesOptions {
  /** Open streams this process serves at most; beyond, 503. */
  readonly maxStreams: number;
  /** A comment this often keeps proxies from closing an idle stream. */
  readonly heartbeatMs?: number;
  /**
   * A stream ends after this long and the browser opens a new one, authenticated again: a
   * session that ended stops hearing of changes.
   */
  readonly maxAgeMs?: number;
  /** What a stream may hold unsent before its client counts as gone (a stalled reader). */
  readonly maxBufferedBytes?: number;
}

/** How long EventSource waits before it reconnects, told in each stream's first frame. */
const RETRY_MS = 3_000;

const unavailable = (detail: string, code: string): ProblemError =>
  new ProblemError(problem(503, detail, { title: 'Service Unavailable', code }), {
    'retry-after': '30',
  });

/** The client asked for something else than an event stream (a generic client, a fuzzer). */
export class NotAnEventStreamClientError extends ProblemError {
  constructor() {
    super(
      problem(406, 'Esta dirección da un flujo de eventos: pídalo con Accept: text/event-stream', {
        title: 'Not Acceptable',
        code: 'API.NOT_ACCEPTABLE',
      }),
    );
  }
}

/**
 * The server-sent event streams of this process: each open stream gets every change to an
 * expediente as an `expediente` event, a comment heartbeat, and ends when its client goes,
 * when it has lived `maxAgeMs`, or when the process shuts down (`close`), which must not wait
 * for streams that never end by themselves.
 */
export class LiveUpdates {
  private readonly streams = new Set<(closing: boolean) => void>();
  private closed = false;

  constructor(
    /** Where the changes come from; none: live updates are off (503). */
    private readonly changes: ExpedienteChanges | undefined,
    private readonly options: LiveUpdatesOptions,
  ) {}

  get openStreams(): number {
    return this.streams.size;
  }

  /** Turns `res` into an event stream, or throws the problem that refuses it. */
  open(res: Response): void {
    if (!/\btext\/event-stream\b/i.test(res.req.get('accept') ?? '')) {
      throw new NotAnEventStreamClientError();
    }
    if (!this.changes || this.closed) {
      throw unavailable(
        'Las actualizaciones en directo no están disponibles ahora',
        'LIVE_UPDATES.UNAVAILABLE',
      );
    }
    if (this.streams.size >= this.options.maxStreams) {
      throw unavailable(
        'Hay demasiadas conexiones de actualizaciones en directo; inténtelo más tarde',
        'LIVE_UPDATES.TOO_MANY_STREAMS',
      );
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      // nginx (and ingress-nginx) would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${RETRY_MS}\n\n`);
    const write = (frame: string): void => {
      // A reader that stopped reading: drop its connection rather than buffer for it.
      if (res.writableLength > (this.options.maxBufferedBytes ?? 64 * 1024)) res.destroy();
      else res.write(frame);
    };
    const unsubscribe = this.changes.subscribe((cambio: CambioDeExpediente) =>
      write(`event: expediente\ndata: ${JSON.stringify(cambio)}\n\n`),
    );
    const heartbeat = setInterval(() => write(': latido\n\n'), this.options.heartbeatMs ?? 15_000);
    const expiry = setTimeout(() => end(false), this.options.maxAgeMs ?? 15 * 60_000);
    heartbeat.unref();
    expiry.unref();
    const release = (): void => {
      this.streams.delete(end);
      unsubscribe();
      clearInterval(heartbeat);
      clearTimeout(expiry);
    };
    /** Ends the stream; `closing`: the connection too, so the server closing waits for none. */
    const end = (closing: boolean): void => {
      release();
      if (res.writableEnded) return;
      const socket = res.socket;
      // Not res.end's callback: express-session's wrapper of res.end takes none.
      if (closing) res.once('finish', () => socket?.end());
      res.end();
    };
    this.streams.add(end);
    res.once('close', () => {
      release();
      // A client that hung up may leave its half of the connection open: close ours.
      if (!res.writableFinished) res.destroy();
    });
  }

  /** Ends every stream and refuses new ones: for shutdown, before the server closes. */
  close(): void {
    this.closed = true;
    for (const end of [...this.streams]) end(true);
  }
}
