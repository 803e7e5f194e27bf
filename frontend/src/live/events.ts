import { API_BASE } from '../api/http';
import { EventoDeExpediente } from '../api/types';
import { parseEvento } from './catch-up';

type Listener = (evento: EventoDeExpediente) => void;

const listeners = new Set<Listener>();
let source: EventSource | null = null;
let retry: ReturnType<typeof setTimeout> | undefined;
let retryDelay = 2_000;

function open(): void {
  source = new EventSource(`${API_BASE}/events`);
  source.addEventListener('open', () => {
    retryDelay = 2_000;
  });
  source.addEventListener('expediente', (message) => {
    const evento = parseEvento((message as MessageEvent<string>).data);
    if (evento) for (const listener of listeners) listener(evento);
  });
  source.addEventListener('error', () => {
    // EventSource reconnects by itself after a dropped connection, but gives up for good on an
    // answer that is not a stream (a 401, a 404 while the endpoint does not exist): try again
    // later, less and less often.
    if (source?.readyState !== EventSource.CLOSED) return;
    source = null;
    retry = setTimeout(() => {
      retry = undefined;
      if (listeners.size > 0) open();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 60_000);
  });
}

/** Calls `listener` for every expediente event; the one connection lives while anyone listens. */
export function onExpedienteEvent(listener: Listener): () => void {
  listeners.add(listener);
  if (!source && retry === undefined && typeof EventSource !== 'undefined') open();
  return () => {
    listeners.delete(listener);
    if (listeners.size > 0) return;
    source?.close();
    source = null;
    clearTimeout(retry);
    retry = undefined;
  };
}
