import { Documento, EventSourcedAggregate, Fase } from '@expedientes/shared-kernel';
import { CodigoDeExpediente } from './codigo-de-expediente';
import { Comentario } from './comentario';
import {
  AsignadoAOtroError,
  DocumentoYaAdjuntadoError,
  EstadoNoPermiteError,
  MismaFaseError,
  TramitaOtroError,
  VersionDeDocumentoYaRegistradaError,
} from './errors';
import { EventoDeExpediente } from './eventos';
import { OpcionInicial } from './opcion-inicial';
import { descripcionValida, SolicitudDeExpediente } from './solicitud-de-expediente';

/**
 * - pendiente: requested; its documents and process are being set up.
 * - abierto: in its procedure, moving through the phases.
 * - finalizado: reached a final phase; it no longer changes.
 * - creacion_rechazada: could not be set up; its code is free again.
 */
export type EstadoDeExpediente = 'pendiente' | 'abierto' | 'finalizado' | 'creacion_rechazada';

/** Who does something and when: every change names both. */
export interface Autoria {
  readonly por: string;
  readonly at: Date;
}

/** Who acts, where it matters whether they administer (an administrator overrides assignment). */
export interface Quien {
  readonly usuario: string;
  readonly administra: boolean;
}

interface Estado {
  id: string;
  codigo: string;
  opcionInicial: OpcionInicial;
  descripcion: string;
  estado: EstadoDeExpediente;
  fase: Fase | null;
  /** The last transition of bpm's process it followed; 0 before any numbered one. */
  pasoDelProceso: number;
  documentos: Map<string, Documento[]>;
  /** Who has it to work on; null: nobody yet. */
  asignadoA: string | null;
  /** The last day of the current phase's plazo; null: none (or from before plazos). */
  vencimiento: string | null;
}

/**
 * A case file: requested with a code and its documents, opened once its documents are registered
 * and its procedure started, then edited, given new documents and moved through the phases of
 * its procedure until a final one. Event-sourced: its state is the fold of its events.
 */
export class Expediente extends EventSourcedAggregate<EventoDeExpediente> {
  private estado: Estado | null = null;

  static solicitar(id: string, solicitud: SolicitudDeExpediente, autoria: Autoria): Expediente {
    const expediente = new Expediente();
    expediente.record({
      type: 'expedientes.expediente.solicitado.v1',
      occurredAt: autoria.at.toISOString(),
      data: {
        expedienteId: id,
        codigo: solicitud.codigo.valor,
        opcionInicial: solicitud.opcionInicial,
        descripcion: solicitud.descripcion,
        documentIds: [...solicitud.documentIds],
        por: autoria.por,
      },
    });
    return expediente;
  }

  /** The expediente its events tell of; null when there are none. */
  static desdeHistorial(eventos: readonly EventoDeExpediente[]): Expediente | null {
    return eventos.length === 0 ? null : new Expediente().loadFromHistory(eventos);
  }

  /** Its documents are registered and its process started in `fase`, whose plazo ends on `vencimiento`. */
  abrir(
    apertura: { fase: Fase; documentos: readonly Documento[]; vencimiento?: string | null },
    autoria: Autoria,
  ): void {
    const actual = this.exigirEstado(['pendiente'], 'abrir el expediente');
    this.record({
      type: 'expedientes.expediente.abierto.v1',
      occurredAt: autoria.at.toISOString(),
      data: {
        expedienteId: actual.id,
        codigo: actual.codigo,
        opcionInicial: actual.opcionInicial,
        descripcion: actual.descripcion,
        fase: apertura.fase,
        documentos: [...apertura.documentos],
        ...(apertura.vencimiento === undefined ? {} : { vencimiento: apertura.vencimiento }),
        por: autoria.por,
      },
    });
  }

  /** Its set-up failed for `motivo`; `causa` is the refusal's code where there is one. */
  rechazarCreacion(rechazo: { causa: string | null; motivo: string }, autoria: Autoria): void {
    const actual = this.exigirEstado(['pendiente'], 'rechazar la creación del expediente');
    this.record({
      type: 'expedientes.expediente.creacion-rechazada.v1',
      occurredAt: autoria.at.toISOString(),
      data: {
        expedienteId: actual.id,
        codigo: actual.codigo,
        causa: rechazo.causa,
        motivo: rechazo.motivo,
        por: autoria.por,
      },
    });
  }

  /** Records nothing when the description does not change. */
  editarDescripcion(texto: string, autoria: Autoria): void {
    const actual = this.exigirEstado(['abierto'], 'editar la descripción');
    const descripcion = descripcionValida(texto);
    if (descripcion === actual.descripcion) return;
    this.record({
      type: 'expedientes.expediente.descripcion-editada.v1',
      occurredAt: autoria.at.toISOString(),
      data: {
        expedienteId: actual.id,
        descripcion,
        anterior: actual.descripcion,
        por: autoria.por,
      },
    });
  }

  /**
   * Refuses a change of phase the expediente cannot take, before the procedure is asked: one
   * assigned to someone else moves on by their hand or an administrator's.
   */
  comprobarCambioDeFase(hacia: string, quien: Quien): void {
    const actual = this.abiertoParaIrA(hacia);
    const { asignadoA } = actual;
    if (asignadoA !== null && asignadoA !== quien.usuario && !quien.administra) {
      throw new TramitaOtroError(actual.id, asignadoA);
    }
  }

  /**
   * Gives the expediente to `usuario` (null: to nobody) while open. Taking one that nobody has,
   * or passing on one's own, is anyone's; someone else's is theirs or an administrator's.
   * Records nothing when it is already so.
   */
  asignar(usuario: string | null, quien: Quien, at: Date): void {
    const actual = this.exigirEstado(['abierto'], 'asignar el expediente');
    const { asignadoA } = actual;
    if (usuario === asignadoA) return;
    if (asignadoA !== null && asignadoA !== quien.usuario && !quien.administra) {
      throw new AsignadoAOtroError(actual.id, asignadoA);
    }
    this.record({
      type: 'expedientes.expediente.asignacion-cambiada.v1',
      occurredAt: at.toISOString(),
      data: {
        expedienteId: actual.id,
        asignadoA: usuario,
        anterior: asignadoA,
        por: quien.usuario,
      },
    });
  }

  get asignadoA(): string | null {
    return this.actual().asignadoA;
  }

  /**
   * bpm's process moved to `hacia` in its transition `paso`: the expediente follows, once, in
   * whatever order bpm's reply and event tell it, and never back to an older transition (phases
   * repeat, so only the number tells one from another). A final phase finishes the expediente.
   * Being in `hacia` also counts as having followed: it never asks bpm for the phase it is in, so
   * it got there by a change without a number (bpm's messages from before it gave one). False
   * when there was nothing to follow. `vencimiento`: the last day of the new phase's plazo.
   */
  cambiarFase(
    hacia: Fase,
    autoria: Autoria,
    paso?: number,
    motivo?: string,
    vencimiento?: string | null,
  ): boolean {
    const actual = this.actual();
    const seguida = paso !== undefined && paso <= actual.pasoDelProceso;
    if (seguida || actual.fase?.codigo === hacia.codigo) return false;
    this.exigirEstado(['abierto'], 'cambiar de fase');
    this.record({
      type: 'expedientes.expediente.fase-cambiada.v1',
      occurredAt: autoria.at.toISOString(),
      data: {
        expedienteId: actual.id,
        desde: actual.fase as Fase, // an open expediente always has one
        hacia,
        ...(paso === undefined ? {} : { paso }),
        ...(motivo === undefined ? {} : { motivo }),
        ...(vencimiento === undefined ? {} : { vencimiento }),
        por: autoria.por,
      },
    });
    return true;
  }

  /**
   * bpm counted again the plazo of the phase entered by its transition `paso`: taken while the
   * expediente is still in that stay and the day moved; false otherwise.
   */
  recalcularPlazo(plazo: { paso: number; vencimiento: string | null }, autoria: Autoria): boolean {
    const actual = this.actual();
    if (actual.estado !== 'abierto' || actual.pasoDelProceso !== plazo.paso) return false;
    if (actual.vencimiento === plazo.vencimiento) return false;
    this.record({
      type: 'expedientes.expediente.plazo-recalculado.v1',
      occurredAt: autoria.at.toISOString(),
      data: { expedienteId: actual.id, ...plazo, por: autoria.por },
    });
    return true;
  }

  /** Refuses a new document the expediente cannot take, before documents is asked. */
  comprobarDocumentoNuevo(documentId: string): void {
    const actual = this.exigirEstado(['abierto'], 'añadir documentos');
    if (actual.documentos.has(documentId)) {
      throw new DocumentoYaAdjuntadoError(actual.id, documentId);
    }
  }

  /** A new document, or a newer version of one it has. */
  adjuntarDocumento(documento: Documento, autoria: Autoria): void {
    const actual = this.exigirEstado(['abierto'], 'añadir documentos');
    const ultima = actual.documentos.get(documento.documentId)?.at(-1)?.version ?? 0;
    if (documento.version <= ultima) {
      throw new VersionDeDocumentoYaRegistradaError(
        documento.documentId,
        documento.version,
        ultima,
      );
    }
    this.record({
      type: 'expedientes.expediente.documento-adjuntado.v1',
      occurredAt: autoria.at.toISOString(),
      data: { expedienteId: actual.id, documento, por: autoria.por },
    });
  }

  /** Comments while it is open: a closed expediente no longer changes, not even so. */
  comentar(comentario: Comentario, autoria: Autoria): void {
    const actual = this.exigirEstado(['abierto'], 'comentar');
    this.record({
      type: 'expedientes.expediente.comentario-anadido.v1',
      occurredAt: autoria.at.toISOString(),
      data: {
        expedienteId: actual.id,
        texto: comentario.texto,
        menciones: [...comentario.menciones],
        por: autoria.por,
      },
    });
  }

  get id(): string {
    return this.actual().id;
  }

  get codigo(): CodigoDeExpediente {
    return CodigoDeExpediente.crear(this.actual().codigo);
  }

  get estadoActual(): EstadoDeExpediente {
    return this.actual().estado;
  }

  get faseActual(): Fase | null {
    return this.actual().fase;
  }

  get descripcion(): string {
    return this.actual().descripcion;
  }

  /** True once it has this version (or a later one) of the document. */
  tieneVersion(documentId: string, version: number): boolean {
    const versiones = this.actual().documentos.get(documentId) ?? [];
    return versiones.some((each) => each.version >= version);
  }

  protected when(event: EventoDeExpediente): void {
    switch (event.type) {
      case 'expedientes.expediente.solicitado.v1':
        this.estado = {
          id: event.data.expedienteId,
          codigo: event.data.codigo,
          opcionInicial: event.data.opcionInicial,
          descripcion: event.data.descripcion,
          estado: 'pendiente',
          fase: null,
          pasoDelProceso: 0,
          documentos: new Map(),
          asignadoA: null,
          vencimiento: null,
        };
        return;
      case 'expedientes.expediente.abierto.v1': {
        const actual = this.actual();
        actual.estado = 'abierto';
        actual.fase = event.data.fase;
        actual.vencimiento = event.data.vencimiento ?? null;
        for (const documento of event.data.documentos) this.guardarVersion(documento);
        return;
      }
      case 'expedientes.expediente.creacion-rechazada.v1':
        this.actual().estado = 'creacion_rechazada';
        return;
      case 'expedientes.expediente.descripcion-editada.v1':
        this.actual().descripcion = event.data.descripcion;
        return;
      case 'expedientes.expediente.fase-cambiada.v1': {
        const actual = this.actual();
        actual.fase = event.data.hacia;
        actual.pasoDelProceso = event.data.paso ?? actual.pasoDelProceso;
        actual.vencimiento = event.data.vencimiento ?? null;
        if (event.data.hacia.final) actual.estado = 'finalizado';
        return;
      }
      case 'expedientes.expediente.documento-adjuntado.v1':
        this.guardarVersion(event.data.documento);
        return;
      case 'expedientes.expediente.comentario-anadido.v1':
        return; // nothing the expediente decides on
      case 'expedientes.expediente.asignacion-cambiada.v1':
        this.actual().asignadoA = event.data.asignadoA;
        return;
      case 'expedientes.expediente.plazo-recalculado.v1':
        this.actual().vencimiento = event.data.vencimiento;
        return;
    }
  }

  private guardarVersion(documento: Documento): void {
    const { documentos } = this.actual();
    documentos.set(documento.documentId, [
      ...(documentos.get(documento.documentId) ?? []),
      documento,
    ]);
  }

  private abiertoParaIrA(hacia: string): Estado {
    const actual = this.exigirEstado(['abierto'], 'cambiar de fase');
    if (actual.fase?.codigo === hacia) throw new MismaFaseError(actual.id, actual.fase.nombre);
    return actual;
  }

  private exigirEstado(permitidos: readonly EstadoDeExpediente[], accion: string): Estado {
    const actual = this.actual();
    if (!permitidos.includes(actual.estado)) {
      throw new EstadoNoPermiteError(actual.id, actual.estado, accion);
    }
    return actual;
  }

  private actual(): Estado {
    if (!this.estado) throw new Error('an expediente exists only once it has been requested');
    return this.estado;
  }
}
