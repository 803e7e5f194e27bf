import { randomUUID } from 'node:crypto';
import {
  bpm,
  EnvelopeFactory,
  expedientes,
  InvalidMessageError,
  MessageRegistry,
  publishedLanguage,
} from '../../src';

const envelopes = new EnvelopeFactory(randomUUID, () => new Date('2026-03-01T10:00:00Z'));
const actor = { userId: 'ana', roles: ['tramitador'] };
const fase = { codigo: 'INICIAL', nombre: 'Fase inicial', final: false };

describe('EnvelopeFactory', () => {
  it('starts a correlation with the first message and carries it along the causal chain', () => {
    const command = envelopes.create({
      type: bpm.StartProcess.type,
      key: 'exp-1',
      actor,
      payload: { sagaId: 's-1', expedienteId: 'exp-1', procedimiento: 'estandar' },
    });
    const reply = envelopes.create({
      type: bpm.ProcessStarted.type,
      key: 'exp-1',
      actor,
      causedBy: command,
      payload: {
        sagaId: 's-1',
        expedienteId: 'exp-1',
        procedimiento: 'estandar',
        version: 1,
        fase,
      },
    });
    expect(command.correlationId).toBe(command.id);
    expect(command.causationId).toBeNull();
    expect(reply.correlationId).toBe(command.id);
    expect(reply.causationId).toBe(command.id);
    expect(reply.occurredAt).toBe('2026-03-01T10:00:00.000Z');
    expect(reply.schemaVersion).toBe(1);
  });
});

describe('MessageRegistry', () => {
  const registry = publishedLanguage();
  const valid = envelopes.create({
    type: expedientes.DescripcionEditada.type,
    key: 'exp-1',
    actor,
    payload: { expedienteId: 'exp-1', descripcion: 'Licencia de obra menor' },
  });

  it('accepts a message that keeps its contract', () => {
    expect(registry.validate(valid)).toEqual({ ok: true, envelope: valid });
  });

  it.each([
    [
      'an unknown type',
      { ...valid, type: 'expedientes.expediente.borrado' },
      /unknown message type/,
    ],
    ['an unknown schema version', { ...valid, schemaVersion: 2 }, /unknown message type .* v2/],
    [
      'a payload breaking its schema',
      { ...valid, payload: { expedienteId: 'exp-1' } },
      /descripcion/,
    ],
    ['an envelope without actor', { ...valid, actor: undefined }, /envelope actor/],
    ['something that is no envelope', 'hola', /envelope/],
  ])('refuses %s with the reason', (_case, candidate, reason) => {
    const result = registry.validate(candidate);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
    expect(() => registry.assertValid(candidate)).toThrow(InvalidMessageError);
  });

  it('strips what the schema does not know', () => {
    const result = registry.validate({ ...valid, payload: { ...valid.payload, extra: 1 } });
    expect(result.ok && result.envelope.payload).toEqual(valid.payload);
  });

  it('refuses a contract declared twice', () => {
    expect(() => new MessageRegistry([bpm.StartProcess, bpm.StartProcess])).toThrow(/twice/);
  });
});
