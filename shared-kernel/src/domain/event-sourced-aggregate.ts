import { DomainEvent } from './domain-event';

/**
 * Base of an event-sourced aggregate: its state is the fold of its events. Subclasses change
 * state only in `when`, and decide in intention-revealing methods that `record` new events.
 *
 * `version` is the stream version of the last event applied (-1 for a new aggregate), which
 * the repository passes to the event store as the expected version, so concurrent writers
 * are detected instead of overwriting each other.
 */
export abstract class EventSourcedAggregate<TEvent extends DomainEvent> {
  private uncommitted: TEvent[] = [];
  private persistedVersion = -1;

  protected abstract when(event: TEvent): void;

  /** Applies events read from the store, in order. */
  loadFromHistory(history: Iterable<TEvent>): this {
    for (const event of history) {
      this.when(event);
      this.persistedVersion += 1;
    }
    return this;
  }

  /** Version of the stream as read; the expected version of the next append. */
  get version(): number {
    return this.persistedVersion;
  }

  protected record(event: TEvent): void {
    this.when(event);
    this.uncommitted.push(event);
  }

  /** Hands the new events to the repository and forgets them. */
  pullDomainEvents(): TEvent[] {
    const events = this.uncommitted;
    this.uncommitted = [];
    this.persistedVersion += events.length;
    return events;
  }

  hasUncommittedEvents(): boolean {
    return this.uncommitted.length > 0;
  }
}
