import { Actor, DomainError } from '@expedientes/shared-kernel';
import { z } from 'zod';
import { InProcessService } from '../../src/adapters/in-process/in-process-service';
import { problemOf } from '../support/problem-of';

const ana: Actor = { userId: 'ana', roles: ['tramitador'] };
const call = { token: 'ana-token', correlationId: 'corr-1' };

/** A service whose flushes are recorded in `events`, as the work's own steps are. */
function serviceRecording(events: string[], flush: () => Promise<void> = async () => undefined) {
  return new InProcessService('expedientes', { verify: async () => ana }, 1_000, async () => {
    events.push('flush');
    await flush();
  });
}

describe('A service called in process', () => {
  it('answers a change only once it is on the disk', async () => {
    const events: string[] = [];
    const service = serviceRecording(events);
    const answer = await service.change(call, z.string(), async () => {
      events.push('changed');
      return 'done';
    });
    events.push(`answered ${answer}`);
    expect(events).toEqual(['changed', 'flush', 'answered done']);
  });

  it('takes a refused change to the disk too before it answers the refusal', async () => {
    const events: string[] = [];
    const service = serviceRecording(events);
    const refused = service.change(call, z.string(), async () => {
      events.push('refused');
      throw new DomainError('EXPEDIENTE.CERRADO', 'conflict', 'El expediente está cerrado');
    });
    expect(await problemOf(refused)).toMatchObject({ status: 409, code: 'EXPEDIENTE.CERRADO' });
    expect(events).toEqual(['refused', 'flush']);
  });

  it('answers a change it could not take to the disk with a 502 whose outcome is unknown', async () => {
    const service = serviceRecording([], async () => {
      throw new Error('EIO');
    });
    const failed = service.change(call, z.string(), async () => 'done');
    expect(await problemOf(failed)).toMatchObject({ status: 502, code: 'API.OUTCOME_UNKNOWN' });
  });

  it('answers a read without waiting for the disk', async () => {
    const events: string[] = [];
    const service = serviceRecording(events);
    await expect(service.read(call, z.string(), async () => 'read')).resolves.toBe('read');
    expect(events).toEqual([]);
  });
});
