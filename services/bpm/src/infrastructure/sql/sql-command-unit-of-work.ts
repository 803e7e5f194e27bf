import { Inbox, Outbox } from '@expedientes/shared-kernel';
import {
  SqlDatabase,
  SqlExecutor,
  TransactionExecutor,
} from '@expedientes/shared-kernel/adapters/sql';
import { CommandTransaction, CommandUnitOfWork } from '../../application/command-unit-of-work';
import { CatalogoDeProcedimientos } from '../../domain/catalogo-de-procedimientos';
import { SqlProcesoRepository } from './sql-proceso-repository';

/**
 * One SQL transaction per command: the inbox row that marks it handled, the process changes
 * and the outbox rows of its replies and events commit together or not at all.
 */
export class SqlCommandUnitOfWork implements CommandUnitOfWork {
  constructor(
    private readonly db: SqlDatabase,
    private readonly catalogo: CatalogoDeProcedimientos,
    private readonly inbox: Inbox<SqlExecutor>,
    private readonly outbox: Outbox<TransactionExecutor>,
    /** The inbox's consumer name: the consumer group the commands come through. */
    private readonly consumer: string,
    /** Called after a commit, so the relay publishes at once instead of at its next poll. */
    private readonly onCommitted: () => void,
  ) {}

  async runOnce(
    messageId: string,
    work: (tx: CommandTransaction) => Promise<void>,
  ): Promise<boolean> {
    const handled = await this.db.transaction(async (tx) => {
      if (!(await this.inbox.markProcessed(tx, this.consumer, messageId))) return false;
      await work(this.transactionOn(tx));
      return true;
    });
    if (handled) this.onCommitted();
    return handled;
  }

  async run(work: (tx: CommandTransaction) => Promise<void>): Promise<void> {
    await this.db.transaction((tx) => work(this.transactionOn(tx)));
    this.onCommitted();
  }

  private transactionOn(tx: TransactionExecutor): CommandTransaction {
    return {
      procesos: new SqlProcesoRepository(tx, this.catalogo),
      send: (messages) => this.outbox.enqueue(tx, messages),
    };
  }
}
