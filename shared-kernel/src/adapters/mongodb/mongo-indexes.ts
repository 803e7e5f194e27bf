import type { Db, IndexDescription } from 'mongodb';
import { describeError } from '../../ports';

/**
 * One index as a service declares it. The name is required: it is what makes the declaration
 * idempotent, and a changed definition must get a new name (the server refuses to redefine
 * an existing one, and dropping an index is a decision, not a start-up side effect).
 */
export type IndexDeclaration = IndexDescription & { readonly name: string };

/** The indexes each collection must have, by collection name. */
export type IndexPlan = Readonly<Record<string, readonly IndexDeclaration[]>>;

/** Creates whatever indexes of the plan are missing; run it at every start-up. */
export async function ensureIndexes(db: Db, plan: IndexPlan): Promise<void> {
  await Promise.all(
    Object.entries(plan).map(async ([collection, indexes]) => {
      // One index per command: FerretDB 1.x drops the connection when a command lists
      // several indexes that all exist already, which is every start-up but the first.
      for (const index of indexes) {
        try {
          await db.collection(collection).createIndexes([index]);
        } catch (error) {
          const reason = describeError(error);
          throw new Error(`Cannot create index "${index.name}" of "${collection}": ${reason}`, {
            cause: error,
          });
        }
      }
    }),
  );
}
