import type { SqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import express from 'express';

/**
 * Commits in the platform's file do not wait for the disk (`openPlatformDatabase`): an answer
 * to a change leaves only once a flush has taken the change, and all before it, to the disk.
 */
export function answersOnceOnDisk(database: SqlDatabase): express.RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      next();
      return;
    }
    const end = res.end.bind(res) as (...args: unknown[]) => express.Response;
    res.end = ((...args: unknown[]) => {
      database.flush().then(
        () => end(...args),
        (error: unknown) => res.destroy(error as Error),
      );
      return res;
    }) as express.Response['end'];
    next();
  };
}
