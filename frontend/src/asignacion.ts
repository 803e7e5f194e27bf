/** What the signed-in user may do with an expediente's assignment, as the API decides it. */
export interface AccionesDeAsignacion {
  /** Take it: nobody has it, or an administrator takes it from whoever has it. */
  readonly asignarmelo: boolean;
  /** Leave it to nobody: its assignee or an administrator. */
  readonly liberar: boolean;
  /** Give it to someone: nobody has it, or its assignee or an administrator passes it on. */
  readonly asignarA: boolean;
  /**
   * Who has it, when that is someone else and the user is no administrator: only that person
   * (or an administrator) changes it, phases included. Null otherwise.
   */
  readonly loTieneOtro: string | null;
}

export function accionesDeAsignacion(
  asignadoA: string | null,
  yo: string,
  esAdministrador: boolean,
): AccionesDeAsignacion {
  const mio = asignadoA !== null && asignadoA === yo;
  const deOtro = asignadoA !== null && !mio;
  return {
    asignarmelo: asignadoA === null || (deOtro && esAdministrador),
    liberar: mio || (deOtro && esAdministrador),
    asignarA: !deOtro || esAdministrador,
    loTieneOtro: deOtro && !esAdministrador ? asignadoA : null,
  };
}
