import {
  bpm,
  Consumer,
  describeError,
  Envelope,
  Logger,
  MessageBus,
  MessageContext,
  topics,
} from '@expedientes/shared-kernel';
import { ScopedLogger, ServiceMetrics } from '@expedientes/shared-kernel/adapters/runtime';
import {
  CancelProcessCommand,
  CancelProcessHandler,
} from '../../application/cancel-process/cancel-process-handler';
import {
  RequestTransitionCommand,
  RequestTransitionHandler,
} from '../../application/request-transition/request-transition-handler';
import {
  StartProcessCommand,
  StartProcessHandler,
} from '../../application/start-process/start-process-handler';

/** The consumer group of bpm's commands, and the name of their inbox. */
export const commandsConsumerGroup = 'bpm.commands';

type Route = (command: Envelope) => Promise<boolean>;

/**
 * Takes the saga commands addressed to bpm off the bus (already checked against their
 * contracts) and hands each to its use case. A failure is thrown back to the bus, which
 * retries and, in the end, dead-letters the command.
 */
export class BpmCommandConsumer {
  private consumer: Consumer | null = null;
  private readonly routes: Record<string, Route>;

  constructor(
    private readonly bus: MessageBus,
    handlers: {
      readonly start: StartProcessHandler;
      readonly transition: RequestTransitionHandler;
      readonly cancel: CancelProcessHandler;
    },
    private readonly logger: Logger,
    private readonly metrics: ServiceMetrics,
  ) {
    this.routes = {
      [bpm.StartProcess.type]: (command) => handlers.start.handle(command as StartProcessCommand),
      [bpm.RequestTransition.type]: (command) =>
        handlers.transition.handle(command as RequestTransitionCommand),
      [bpm.CancelProcess.type]: (command) =>
        handlers.cancel.handle(command as CancelProcessCommand),
    };
  }

  get consuming(): boolean {
    return this.consumer !== null;
  }

  async start(): Promise<void> {
    this.consumer ??= await this.bus.subscribe({
      group: commandsConsumerGroup,
      topics: [topics.commands('bpm')],
      handler: (command, context) => this.handle(command, context),
    });
  }

  /** Lets the command in hand finish. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    await consumer?.stop();
  }

  private async handle(command: Envelope, { topic, attempt }: MessageContext): Promise<void> {
    const logger = new ScopedLogger(this.logger, {
      correlationId: command.correlationId,
      messageId: command.id,
      type: command.type,
      key: command.key,
    });
    const count = (outcome: string): void =>
      this.metrics.messagesHandled.inc({ topic, type: command.type, outcome });
    const route = this.routes[command.type];
    if (!route) {
      logger.warn('not a command bpm handles; skipped');
      count('skipped');
      return;
    }
    try {
      const handled = await route(command);
      count(handled ? 'handled' : 'duplicate');
      logger.info(handled ? 'command handled' : 'command handled before; skipped');
    } catch (error) {
      count('failed');
      logger.warn({ error: describeError(error), attempt }, 'command failed; the bus retries it');
      throw error;
    }
  }
}
