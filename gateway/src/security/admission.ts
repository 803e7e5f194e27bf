import { problem } from '@expedientes/shared-kernel/adapters/runtime';
import { RequestHandler } from 'express';
import { ProblemError } from '../problem-error';

export interface AdmissionLimits {
  /** Requests worked on at once. */
  readonly concurrency: number;
  /** Requests waiting for a turn beyond those; one more is refused at once. */
  readonly queue: number;
  /** How long a request may wait for its turn before it is refused. */
  readonly maxWaitMs: number;
}

export class OverloadedError extends ProblemError {
  constructor(retryAfterSeconds: number) {
    super(
      problem(
        503,
        `La plataforma está atendiendo demasiadas peticiones: no se ha hecho nada; ` +
          `vuelva a intentarlo dentro de ${retryAfterSeconds} s`,
        { title: 'Service Unavailable', code: 'API.OVERLOADED' },
      ),
      { 'retry-after': String(retryAfterSeconds) },
    );
  }
}

interface Waiter {
  readonly admit: () => void;
  readonly refuse: () => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * At most `concurrency` requests at work, at most `queue` waiting, each for at most
 * `maxWaitMs`, in arrival order. Past that, an overload is answered at once instead of
 * piling up until clients time out; nothing of a refused request reaches a service.
 */
export class AdmissionQueue {
  private active = 0;
  private readonly waiting = new Set<Waiter>();

  constructor(readonly limits: AdmissionLimits) {}

  /** Requests at work now. */
  get inFlight(): number {
    return this.active;
  }

  /** Requests waiting now. */
  get queued(): number {
    return this.waiting.size;
  }

  /**
   * Resolves with the turn's release once the request may go on; false when it is refused
   * (queue full, waited too long, or `cancelled` fired first).
   */
  enter(cancelled: AbortSignal): Promise<(() => void) | false> {
    if (this.active < this.limits.concurrency) return Promise.resolve(this.take());
    if (this.waiting.size >= this.limits.queue || cancelled.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const leave = () => {
        clearTimeout(waiter.timer);
        this.waiting.delete(waiter);
        cancelled.removeEventListener('abort', waiter.refuse);
      };
      const waiter: Waiter = {
        admit: () => {
          leave();
          resolve(this.take());
        },
        refuse: () => {
          leave();
          resolve(false);
        },
        timer: setTimeout(() => waiter.refuse(), this.limits.maxWaitMs),
      };
      cancelled.addEventListener('abort', waiter.refuse, { once: true });
      this.waiting.add(waiter);
    });
  }

  private take(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      // A Set iterates in insertion order: the longest waiting goes first.
      const [next] = this.waiting;
      next?.admit();
    };
  }
}

/**
 * Admission control for the API: reads and changes each take their turn in their own queue,
 * so that a flood of opens does not starve the reads; a request refused is answered 503 with
 * Retry-After, its body read off so the client hears the answer rather than a reset.
 * `skip` names requests that hold their connection open by design (the live-update stream).
 */
export function admitWithin(
  queues: { readonly reads: AdmissionQueue; readonly changes: AdmissionQueue },
  skip: (path: string) => boolean = () => false,
): RequestHandler {
  return (req, res, next) => {
    if (skip(req.path)) return next();
    const queue = req.method === 'GET' || req.method === 'HEAD' ? queues.reads : queues.changes;
    const gone = new AbortController();
    const onClose = () => gone.abort();
    res.once('close', onClose);
    void queue.enter(gone.signal).then((release) => {
      res.off('close', onClose);
      if (release) {
        res.once('close', release);
        return next();
      }
      if (gone.signal.aborted) return;
      req.resume();
      next(new OverloadedError(Math.max(1, Math.ceil(queue.limits.maxWaitMs / 1000))));
    });
  };
}
