import { NO_VIEWS_STORED, StoredViews, ViewsStore, ViewsWrite } from '../projections/read-models';

/** Expedientes whose views go to the store in one write when let go. */
const WRITE_SLICE = 1000;

/**
 * What a rebuild folds, kept in memory so that each expediente's views reach the store once,
 * in an insert, when the replay ends. An expediente's events lie far apart in the history
 * (its opening, its phases weeks later): written at every batch of the replay that had some,
 * its views were inserted and then looked up and replaced as often, and on a MongoDB store a
 * replacement costs several inserts. At most `capacity` expedientes are held: past it, those
 * folded least lately are written and let go, and looked up in the store if more of their
 * events come.
 */
export class HeldViews implements ViewsStore {
  /** In the order last folded: the first are the ones let go. */
  private readonly held = new Map<string, ViewsWrite>();
  /** Let go: the store has their views. */
  private readonly written = new Set<string>();

  constructor(
    private readonly readModels: ViewsStore,
    private readonly capacity: number,
  ) {}

  /** Expedientes held now. */
  get size(): number {
    return this.held.size;
  }

  load(expedienteId: string): Promise<StoredViews> {
    const held = this.held.get(expedienteId);
    if (held) {
      const { views, position } = held;
      return Promise.resolve({
        listItem: views.listItem ? { view: views.listItem, position } : null,
        detail: views.detail ? { view: views.detail, position } : null,
      });
    }
    if (this.written.has(expedienteId)) return this.readModels.load(expedienteId);
    return Promise.resolve(NO_VIEWS_STORED);
  }

  /**
   * Holds the views. One that the write leaves out keeps the one held: the projector leaves
   * out only a view the events did not make, and every event of an expediente is folded into
   * both, so the write's position is that of both.
   */
  async write(writes: readonly ViewsWrite[]): Promise<void> {
    for (const { expedienteId, views, position } of writes) {
      const before = this.held.get(expedienteId)?.views;
      this.held.delete(expedienteId);
      this.held.set(expedienteId, {
        expedienteId,
        views: {
          listItem: views.listItem ?? before?.listItem,
          detail: views.detail ?? before?.detail,
        },
        position,
        noneStored: !this.written.has(expedienteId),
      });
    }
    if (this.held.size > this.capacity) {
      // Down to a quarter below capacity (a slice at most): not a few at every batch once full.
      const kept = this.capacity - Math.min(WRITE_SLICE, Math.floor(this.capacity / 4));
      await this.letGo(this.held.size - kept);
    }
  }

  /** Writes every view still held: the replay has ended. */
  flush(): Promise<void> {
    return this.letGo(this.held.size);
  }

  private async letGo(count: number): Promise<void> {
    while (count > 0) {
      const slice: ViewsWrite[] = [];
      for (const write of this.held.values()) {
        if (slice.length === Math.min(count, WRITE_SLICE)) break;
        slice.push(write);
      }
      await this.readModels.write(slice);
      for (const { expedienteId } of slice) {
        this.held.delete(expedienteId);
        this.written.add(expedienteId);
      }
      count -= slice.length;
    }
  }
}
