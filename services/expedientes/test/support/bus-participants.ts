import { randomUUID } from 'node:crypto';
import {
  bpm,
  Consumer,
  Envelope,
  EnvelopeFactory,
  MessageBus,
  topics,
} from '@expedientes/shared-kernel';
import { Answer } from './answering-participants';
import { cooperativeParticipants } from './fake-participants';

type Published = { topic: string; envelope: Envelope };

/**
 * documents and bpm played on the bus: they take the commands the sagas send and answer on
 * their reply topics, as `answer` says; bpm publishes each transition it records on bpm.events
 * first, as it does. While held, commands wait for `release`.
 */
export class BusParticipants {
  answer: (command: Envelope) => Answer = cooperativeParticipants();
  readonly received: Envelope[] = [];
  private readonly answered = new Map<string, Published[]>();
  private held: Envelope[] | null = null;
  private readonly envelopes = new EnvelopeFactory(randomUUID);
  private consumers: Consumer[] = [];

  private constructor(private readonly bus: MessageBus) {}

  static async start(bus: MessageBus): Promise<BusParticipants> {
    const participants = new BusParticipants(bus);
    const run = randomUUID().slice(0, 8);
    for (const participant of ['documents', 'bpm']) {
      participants.consumers.push(
        await bus.subscribe({
          group: `test.${participant}.${run}`,
          topics: [topics.commands(participant)],
          handler: (command) => participants.take(participant, command),
        }),
      );
    }
    return participants;
  }

  /** Keeps the commands that come from now on unanswered. */
  hold(): void {
    this.held ??= [];
  }

  /** Answers the commands held, each once. */
  async release(): Promise<void> {
    const held = this.held ?? [];
    this.held = null;
    const distinct = held.filter(
      (command, index) => held.findIndex((c) => c.id === command.id) === index,
    );
    for (const command of distinct) await this.reply(command);
  }

  commandTypesFor(expedienteId: string): string[] {
    return this.received.filter((c) => c.key === expedienteId).map((c) => c.type);
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    this.consumers = [];
  }

  private async take(participant: string, command: Envelope): Promise<void> {
    this.received.push(command);
    if (this.held) {
      this.held.push(command);
      return;
    }
    await this.reply(command, participant);
  }

  /** A command seen before gets the same answer again, as a deduplicating participant does. */
  private async reply(command: Envelope, participant = command.type.split('.')[0]): Promise<void> {
    let answered = this.answered.get(command.id);
    if (!answered) {
      const answer = this.answer(command);
      if (!answer) return;
      const message = (type: string, payload: Record<string, unknown>): Envelope =>
        this.envelopes.create({
          type,
          key: command.key,
          actor: command.actor,
          causedBy: command,
          payload,
        });
      const { sagaId } = command.payload as { sagaId: string };
      const reply = {
        topic: topics.replies(participant),
        envelope: message(answer.type, { ...answer.payload, sagaId }),
      };
      const recorded = answer.type === bpm.TransitionRecorded.type;
      answered = recorded
        ? [
            {
              topic: topics.events('bpm'),
              envelope: message(bpm.FaseCambiada.type, answer.payload),
            },
            reply,
          ]
        : [reply];
      this.answered.set(command.id, answered);
    }
    for (const { topic, envelope } of answered) await this.bus.publish(topic, [envelope]);
  }
}
