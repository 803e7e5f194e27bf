import { Clock, diaEn, EstadoDelPlazo, estadoDelPlazo } from '@expedientes/shared-kernel';

/** The plazo of the phase an expediente is in, as users read it today. */
export interface Plazo {
  /** Its last day (YYYY-MM-DD). */
  readonly vencimiento: string;
  readonly estado: EstadoDelPlazo;
}

/**
 * Shows a view's last day with where it stands on the day of the asking (near, past), which
 * changes with the calendar, not with events: worked out on each read, never stored.
 */
export class PlazoALaVista {
  constructor(
    private readonly clock: Clock,
    private readonly zonaHoraria: string,
    private readonly avisoDias: number,
  ) {}

  /**
   * The view with `plazo` (null: none) in place of its bare `vencimiento`, as it stood at `at`
   * (now, unless the view is of an earlier instant).
   */
  mostrar<TView extends { readonly vencimiento: string | null }>(
    view: TView,
    at: Date = this.clock(),
  ): Omit<TView, 'vencimiento'> & { plazo: Plazo | null } {
    return this.mostrarTodas([view], at)[0];
  }

  /** `mostrar` for every view of a page, on the one day of the asking. */
  mostrarTodas<TView extends { readonly vencimiento: string | null }>(
    views: readonly TView[],
    at: Date = this.clock(),
  ): (Omit<TView, 'vencimiento'> & { plazo: Plazo | null })[] {
    const hoy = diaEn(at, this.zonaHoraria);
    return views.map(({ vencimiento, ...view }) => ({
      ...view,
      plazo:
        vencimiento === null
          ? null
          : { vencimiento, estado: estadoDelPlazo(vencimiento, hoy, this.avisoDias) },
    }));
  }
}
