import express from 'express';
import { inProcessTransport } from '../../src/adapters/http/in-process-transport';
import { answersOnceOnDisk } from '../../src/embedded/answers-once-on-disk';
import type { SqlDatabase } from '@expedientes/shared-kernel/adapters/sql';

/** A database whose flushes finish when the test says. */
function diskOnHold() {
  const waiting: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  const database = {
    flush: () => new Promise<void>((resolve, reject) => waiting.push({ resolve, reject })),
  } as unknown as SqlDatabase;
  return { database, waiting };
}

function serviceOn(database: SqlDatabase) {
  const app = express();
  app.use(answersOnceOnDisk(database));
  app.post('/changes', (_req, res) => void res.status(201).json({ done: true }));
  app.get('/changes', (_req, res) => void res.json({ read: true }));
  return inProcessTransport(app);
}

const settledYet = async (promise: Promise<unknown>): Promise<boolean> => {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  return settled;
};

describe('the embedded platform answering a change', () => {
  it('answers only once a flush has taken the change to the disk', async () => {
    const { database, waiting } = diskOnHold();
    const answer = serviceOn(database)('http://platform/changes', { method: 'POST' });
    expect(await settledYet(answer)).toBe(false);
    expect(waiting).toHaveLength(1);
    waiting[0].resolve();
    const response = await answer;
    expect(response.status).toBe(201);
    await expect(response.json()).resolves.toEqual({ done: true });
  });

  it('answers a read at once', async () => {
    const { database, waiting } = diskOnHold();
    const response = await serviceOn(database)('http://platform/changes', { method: 'GET' });
    await expect(response.json()).resolves.toEqual({ read: true });
    expect(waiting).toHaveLength(0);
  });

  it('breaks the answer off when the flush fails: the change is not said to be done', async () => {
    const { database, waiting } = diskOnHold();
    const answer = serviceOn(database)('http://platform/changes', { method: 'POST' });
    await settledYet(answer);
    waiting[0].reject(new Error('I/O error'));
    await expect(answer.then((response) => response.json())).rejects.toThrow();
  });
});
