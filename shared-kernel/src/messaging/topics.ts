/** Topic names of the published language: `<service>.events|commands|replies`, `<topic>.dlq`. */
export const topics = {
  events: (service: string): string => `${service}.events`,
  commands: (service: string): string => `${service}.commands`,
  replies: (service: string): string => `${service}.replies`,
  deadLetter: (topic: string): string => `${topic}.dlq`,
};

/** True for a `<topic>.dlq` topic. */
export const isDeadLetterTopic = (topic: string): boolean => topic.endsWith(topics.deadLetter(''));

/**
 * Integration events are the history read models are rebuilt from, and dead letters wait for
 * a person: neither may expire. Commands and replies are transient: a saga gives up on its
 * command long before a bus forgets it.
 */
export const keptForever = (topic: string): boolean =>
  isDeadLetterTopic(topic) || topic.endsWith(topics.events(''));
