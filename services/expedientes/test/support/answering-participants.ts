import {
  Envelope,
  EnvelopeFactory,
  MessagePublisher,
  SagaOrchestrator,
} from '@expedientes/shared-kernel';

export type Answer = { type: string; payload: Record<string, unknown> } | null;

/**
 * documents and bpm as a unit test needs them: each command the saga publishes is answered
 * (or not, for `null`) by `answer`, delivered to the orchestrator a moment later, as a bus would.
 */
export class AnsweringParticipants implements MessagePublisher {
  orchestrator: SagaOrchestrator | null = null;
  readonly commands: Envelope[] = [];
  answer: (command: Envelope) => Answer = () => null;

  constructor(private readonly envelopes: EnvelopeFactory) {}

  async publish(topic: string, messages: readonly Envelope[]): Promise<void> {
    for (const command of messages) {
      if (!topic.endsWith('.commands')) continue;
      this.commands.push(command);
      const answer = this.answer(command);
      if (!answer) continue;
      const sagaId = (command.payload as { sagaId: string }).sagaId;
      const reply = this.envelopes.create({
        type: answer.type,
        key: command.key,
        actor: command.actor,
        causedBy: command,
        payload: { ...answer.payload, sagaId },
      });
      setImmediate(() => void this.orchestrator?.handleReply(reply));
    }
  }

  commandTypes(): string[] {
    return this.commands.map((command) => command.type);
  }
}
