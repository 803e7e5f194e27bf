import { es, Messages } from './es';

/** "a.b" for every leaf string of the messages. */
type Paths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Paths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

export type MessageKey = Paths<Messages>;
export type MessageParams = Readonly<Record<string, string | number>>;

let current: Messages = es;

/** The language in use (the one language today; a second one is `useMessages(fr)`). */
export function useMessages(messages: Messages): void {
  current = messages;
}

/** The text for `key`, each `{name}` replaced by `params.name`. */
export function t(key: MessageKey, params: MessageParams = {}): string {
  const text = key
    .split('.')
    .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], current);
  return String(text).replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The message under `group.code`, or `fallback` for a code the UI does not know. */
export function tOr(group: keyof Messages, code: string, fallback: string): string {
  const texts = current[group] as Readonly<Record<string, unknown>>;
  const text = texts[code];
  return typeof text === 'string' ? text : fallback;
}
