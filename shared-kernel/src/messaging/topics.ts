/** Topic names of the published language: `<service>.events|commands|replies`, `<topic>.dlq`. */
export const topics = {
  events: (service: string): string => `${service}.events`,
  commands: (service: string): string => `${service}.commands`,
  replies: (service: string): string => `${service}.replies`,
  deadLetter: (topic: string): string => `${topic}.dlq`,
};
