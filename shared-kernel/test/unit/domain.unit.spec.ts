import {
  DomainError,
  DomainEvent,
  EventSourcedAggregate,
  isDomainError,
  ValueObject,
} from '../../src';

type CounterEvent =
  DomainEvent<'incremented', { by: number }> | DomainEvent<'closed', Record<string, never>>;

/** A tiny aggregate: enough to see the base class keep state, version and new events apart. */
class Counter extends EventSourcedAggregate<CounterEvent> {
  total = 0;
  open = true;

  increment(by: number): void {
    if (!this.open) throw new DomainError('COUNTER.CLOSED', 'rule', 'the counter is closed');
    this.record({ type: 'incremented', data: { by }, occurredAt: '2026-01-01T00:00:00Z' });
  }

  close(): void {
    this.record({ type: 'closed', data: {}, occurredAt: '2026-01-01T00:00:00Z' });
  }

  protected when(event: CounterEvent): void {
    if (event.type === 'incremented') this.total += event.data.by;
    else this.open = false;
  }
}

describe('EventSourcedAggregate', () => {
  it('folds its history into state and the version of the last event', () => {
    const counter = new Counter().loadFromHistory([
      { type: 'incremented', data: { by: 2 }, occurredAt: '2026-01-01T00:00:00Z' },
      { type: 'incremented', data: { by: 3 }, occurredAt: '2026-01-01T00:00:00Z' },
    ]);
    expect(counter.total).toBe(5);
    expect(counter.version).toBe(1);
    expect(counter.hasUncommittedEvents()).toBe(false);
  });

  it('applies recorded events at once and hands them over once', () => {
    const counter = new Counter();
    counter.increment(4);
    counter.close();
    expect(counter.total).toBe(4);
    expect(counter.version).toBe(-1);
    expect(counter.pullDomainEvents().map((event) => event.type)).toEqual([
      'incremented',
      'closed',
    ]);
    expect(counter.version).toBe(1);
    expect(counter.pullDomainEvents()).toEqual([]);
  });

  it('refuses an illegal transition with a typed error', () => {
    const counter = new Counter();
    counter.close();
    let caught: unknown;
    try {
      counter.increment(1);
    } catch (error) {
      caught = error;
    }
    expect(isDomainError(caught)).toBe(true);
    expect(caught).toMatchObject({ code: 'COUNTER.CLOSED', kind: 'rule' });
  });
});

class Codigo extends ValueObject<{ value: string }> {
  static of(value: string): Codigo {
    return new Codigo({ value: value.trim().toUpperCase() });
  }
}
class Other extends ValueObject<{ value: string }> {
  static of(value: string): Other {
    return new Other({ value });
  }
}

describe('ValueObject', () => {
  it('compares by value and by kind', () => {
    expect(Codigo.of(' exp-1 ').equals(Codigo.of('EXP-1'))).toBe(true);
    expect(Codigo.of('EXP-1').equals(Codigo.of('EXP-2'))).toBe(false);
    expect(Codigo.of('EXP-1').equals(Other.of('EXP-1') as unknown as Codigo)).toBe(false);
  });
});
