import { CambioDeExpediente } from '../model/cambio-de-expediente';

export type ExpedienteChangeListener = (cambio: CambioDeExpediente) => void;

/**
 * The changes to expedientes as they happen, for the live updates of the web UI: each listener
 * hears every change from the moment it subscribes (none from before).
 */
export interface ExpedienteChanges {
  /** Returns what ends the subscription. */
  subscribe(listener: ExpedienteChangeListener): () => void;
}
