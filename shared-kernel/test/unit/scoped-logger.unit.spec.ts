import { Writable } from 'node:stream';
import { Logger } from '../../src/ports/logger';
import { createLogger, ScopedLogger } from '../../src/adapters/runtime/logging';

/** A pino logger of the platform's shape whose lines are kept, parsed. */
function capturedLogger(level = 'info'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger('gateway', level, destination), lines };
}

/** Records the fields of each child made of `logger`. */
function recordingChildren(logger: Logger): { logger: Logger; made: Record<string, unknown>[] } {
  const made: Record<string, unknown>[] = [];
  const recording: Logger = {
    debug: logger.debug.bind(logger),
    info: logger.info.bind(logger),
    warn: logger.warn.bind(logger),
    error: logger.error.bind(logger),
    child: (fields) => {
      made.push(fields);
      return logger.child(fields);
    },
  };
  return { logger: recording, made };
}

describe('ScopedLogger', () => {
  it('writes its fields and those of its children on each line, as a pino child would', () => {
    const { logger, lines } = capturedLogger();
    const request = new ScopedLogger(logger, { correlationId: 'c-1' });
    request.info('started');
    request.child({ userId: 'ana' }).warn({ attempt: 2 }, 'retried');
    expect(lines).toEqual([
      expect.objectContaining({ service: 'gateway', correlationId: 'c-1', msg: 'started' }),
      expect.objectContaining({
        level: 'warn',
        correlationId: 'c-1',
        userId: 'ana',
        attempt: 2,
        msg: 'retried',
      }),
    ]);
  });

  it('makes no child until a line is written, and one for all its lines', () => {
    const base = recordingChildren(capturedLogger().logger);
    const request = new ScopedLogger(base.logger, { correlationId: 'c-1' });
    const user = request.child({ userId: 'ana' });
    expect(base.made).toHaveLength(0);
    user.info('one');
    user.error('two');
    expect(base.made).toHaveLength(1);
  });

  it('makes its children of the base, never of a logger made for one request', () => {
    const base = recordingChildren(capturedLogger().logger);
    new ScopedLogger(base.logger, { correlationId: 'c-1' })
      .child({ userId: 'ana' })
      .child({ route: '/me' })
      .info('done');
    expect(base.made).toEqual([{ correlationId: 'c-1', userId: 'ana', route: '/me' }]);
  });

  it('leaves out the lines below the level', () => {
    const { logger, lines } = capturedLogger('info');
    new ScopedLogger(logger, { correlationId: 'c-1' }).debug('unseen');
    expect(lines).toEqual([]);
  });
});
