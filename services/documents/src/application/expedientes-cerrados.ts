/**
 * The expedientes that have ended, as their integration events tell documents: the documents
 * of an ended expediente take no new version (nothing of it changes any more).
 */
export interface ExpedientesCerrados {
  /** Records that the expediente ended; recording it again changes nothing. */
  cerrar(expedienteId: string, at: Date): Promise<void>;
  estaCerrado(expedienteId: string): Promise<boolean>;
}
