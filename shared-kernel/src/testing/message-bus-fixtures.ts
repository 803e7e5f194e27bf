/**
 * What the MessageBus contract suite shares with the child processes it kills: the message it
 * sends, the inbox-guarded effect its handlers have, and the consumer that dies mid-message.
 */
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { EmbeddedMessageBus } from '../adapters/embedded';
import { KafkaGroupTiming, KafkaMessageBus, KafkaSecurity } from '../adapters/kafka';
import { SqlInbox, inboxMigrations } from '../adapters/sql/sql-inbox';
import { SqliteDatabase } from '../adapters/sql/sqlite-database';
import { Envelope } from '../messaging/envelope';
import { defineMessage, MessageRegistry } from '../messaging/message-registry';
import { MessageBus } from '../ports/message-bus';

export const noteTaken = defineMessage(
  'contract-test.note-taken',
  'event',
  z.object({ seq: z.number().int(), note: z.string() }),
);
export type NoteTaken = z.infer<typeof noteTaken.payload>;
export const noteStruck = defineMessage(
  'contract-test.note-struck',
  'event',
  z.object({ seq: z.number().int() }),
);

export const contractRegistry = (): MessageRegistry => new MessageRegistry([noteTaken, noteStruck]);

/** How a child process opens the bus under test: same broker or file, its own connection. */
export type ChildBusSpec =
  | {
      readonly adapter: 'kafka';
      readonly brokers: readonly string[];
      readonly sasl?: KafkaSecurity['sasl'];
      readonly ssl?: KafkaSecurity['ssl'];
      readonly groupTiming?: KafkaGroupTiming;
    }
  | { readonly adapter: 'embedded'; readonly file: string; readonly pollIntervalMs?: number };

const openChildBus = async (spec: ChildBusSpec): Promise<MessageBus> => {
  const registry = contractRegistry();
  switch (spec.adapter) {
    case 'kafka':
      return new KafkaMessageBus({
        brokers: spec.brokers,
        sasl: spec.sasl,
        ssl: spec.ssl,
        clientId: 'contract-child',
        registry,
        groupTiming: spec.groupTiming,
      });
    case 'embedded':
      return EmbeddedMessageBus.open(new SqliteDatabase(spec.file), {
        registry,
        pollIntervalMs: spec.pollIntervalMs,
      });
  }
};

/**
 * A side effect made exactly once per consumer and message: the inbox mark and the effect
 * commit in one transaction, as a real handler's state change would.
 */
export class EffectLedger {
  private readonly inbox = new SqlInbox();

  private constructor(private readonly database: SqliteDatabase) {}

  static async open(file: string): Promise<EffectLedger> {
    const database = new SqliteDatabase(file);
    await database.migrate('inbox', inboxMigrations);
    await database.migrate('contract-effects', [
      {
        version: 1,
        name: 'effects',
        up: ['CREATE TABLE contract_effects (message_id TEXT NOT NULL, consumer TEXT NOT NULL)'],
      },
    ]);
    return new EffectLedger(database);
  }

  async apply(consumer: string, message: Envelope): Promise<void> {
    await this.database.transaction(async (tx) => {
      if (!(await this.inbox.markProcessed(tx, consumer, message.id))) return;
      await tx.execute('INSERT INTO contract_effects (message_id, consumer) VALUES (?, ?)', [
        message.id,
        consumer,
      ]);
    });
  }

  async count(messageId: string): Promise<number> {
    const rows = await this.database.query<{ effects: number }>(
      'SELECT COUNT(*) AS effects FROM contract_effects WHERE message_id = ?',
      [messageId],
    );
    return Number(rows[0].effects);
  }

  close(): Promise<void> {
    return this.database.close();
  }
}

export interface CrashingConsumerArgs {
  readonly bus: ChildBusSpec;
  readonly group: string;
  readonly topic: string;
  readonly effectsFile: string;
}

const handledMark = 'handled ';

/** The child's side: applies the effect of the first message, says so, and hangs unacknowledged. */
export async function runCrashingConsumer(args: CrashingConsumerArgs): Promise<void> {
  const bus = await openChildBus(args.bus);
  const ledger = await EffectLedger.open(args.effectsFile);
  await bus.subscribe({
    group: args.group,
    topics: [args.topic],
    handler: async (message) => {
      await ledger.apply(args.group, message);
      process.stdout.write(`${handledMark}${message.id}\n`);
      await new Promise<never>(() => undefined); // killed here, before the acknowledgement
    },
  });
}

/**
 * The child runs this file's TypeScript (or compiled JavaScript) itself: @swc/core compiles
 * `.ts` on the fly, as jest does in the parent.
 */
const childScript = (args: CrashingConsumerArgs): string[] => [
  '-e',
  `const { transformSync } = require(${JSON.stringify(require.resolve('@swc/core'))});
   const { readFileSync } = require('node:fs');
   require.extensions['.ts'] = (module, filename) => module._compile(transformSync(
     readFileSync(filename, 'utf8'),
     { filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
   ).code, filename);
   require(${JSON.stringify(__filename)}).runCrashingConsumer(JSON.parse(process.argv[1]))
     .catch((error) => { console.error(error); process.exit(1); });`,
  JSON.stringify(args),
];

/**
 * Runs a consumer of `args.group` in a child process, lets it apply the effect of one message
 * and kills it with SIGKILL before it acknowledges. Resolves with that message's id once the
 * child is gone.
 */
export function crashConsumerMidMessage(
  args: CrashingConsumerArgs,
  timeoutMs = 30_000,
): Promise<string> {
  const child = spawn(process.execPath, childScript(args), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the crashing consumer got no message within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const handled = stdout.split('\n').find((line) => line.startsWith(handledMark));
      if (handled && signal === 'SIGKILL') resolve(handled.slice(handledMark.length));
      else
        reject(new Error(`the crashing consumer exited (${signal ?? code}) on its own\n${stderr}`));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes(handledMark) && stdout.endsWith('\n')) child.kill('SIGKILL');
    });
  });
}
