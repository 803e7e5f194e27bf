import { Envelope, Fase } from '@expedientes/shared-kernel';
import { Answer } from './answering-participants';
import { DocumentoMother, FaseMother } from './mothers';

const fases: Record<string, () => Fase> = {
  INICIAL: FaseMother.inicial,
  ANALISIS_TECNICO: FaseMother.analisis,
  VALIDACION: FaseMother.validacion,
  FINALIZADO: FaseMother.finalizado,
  RECHAZADO: FaseMother.rechazado,
};

/**
 * The last day bpm gives the plazo of each phase here: fixed days, so that tests tell a plazo
 * past (analysis) from one far ahead (initial) and a phase without one.
 */
export const vencimientoDe: Record<string, string | null> = {
  INICIAL: '2099-12-31',
  ANALISIS_TECNICO: '2000-01-03',
  VALIDACION: null,
  FINALIZADO: null,
  RECHAZADO: '2099-06-30',
};

/** The standard procedure's transitions and who may take them, as bpm defines them. */
const transiciones: Record<string, string[]> = {
  'INICIAL>ANALISIS_TECNICO': ['tramitador'],
  'ANALISIS_TECNICO>VALIDACION': ['tramitador'],
  'ANALISIS_TECNICO>RECHAZADO': ['tramitador'],
  'VALIDACION>FINALIZADO': ['validador'],
  'VALIDACION>RECHAZADO': ['validador'],
  'RECHAZADO>INICIAL': ['tramitador'],
};

type Payload = { expedienteId: string; documentIds?: string[]; hacia?: string };

const refused = (code: string, reason: string): Answer => ({
  type: 'bpm.TransitionRefused',
  payload: { code, reason },
});

/**
 * documents and bpm answering commands as they would: documents knows every document, bpm
 * follows the standard procedure and the roles of each transition (admin may take any), and
 * numbers each expediente's transitions.
 */
export function cooperativeParticipants(): (command: Envelope) => Answer {
  const faseDe = new Map<string, Fase>();
  const pasosDe = new Map<string, number>();
  return (command) => {
    const payload = command.payload as Payload;
    const { expedienteId } = payload;
    switch (command.type) {
      case 'documents.RegisterDocuments':
        return {
          type: 'documents.DocumentsRegistered',
          payload: {
            expedienteId,
            documentos: (payload.documentIds ?? []).map((id) => DocumentoMother.of(id)),
          },
        };
      case 'documents.ReleaseDocuments':
        return { type: 'documents.DocumentsReleased', payload: { expedienteId } };
      case 'bpm.StartProcess':
        faseDe.set(expedienteId, FaseMother.inicial());
        return {
          type: 'bpm.ProcessStarted',
          payload: {
            expedienteId,
            procedimiento: 'estandar',
            version: 1,
            fase: FaseMother.inicial(),
            vencimiento: vencimientoDe.INICIAL,
          },
        };
      case 'bpm.CancelProcess':
        return { type: 'bpm.ProcessCancelled', payload: { expedienteId } };
      case 'bpm.RequestTransition': {
        const desde = faseDe.get(expedienteId) ?? FaseMother.inicial();
        const roles = transiciones[`${desde.codigo}>${payload.hacia}`];
        const hacia = fases[payload.hacia ?? '']?.();
        if (!roles || !hacia) {
          return refused(
            'BPM.TRANSITION_NOT_ALLOWED',
            `No se puede pasar de ${desde.codigo} a ${payload.hacia}: el procedimiento no lo permite`,
          );
        }
        if (!command.actor.roles.some((role) => role === 'admin' || roles.includes(role))) {
          return refused(
            'BPM.ROLE_NOT_ALLOWED',
            `Solo un ${roles.join(' o un ')} puede pasar de ${desde.codigo} a ${hacia.codigo}`,
          );
        }
        faseDe.set(expedienteId, hacia);
        const paso = (pasosDe.get(expedienteId) ?? 0) + 1;
        pasosDe.set(expedienteId, paso);
        return {
          type: 'bpm.TransitionRecorded',
          payload: { expedienteId, desde, hacia, paso, vencimiento: vencimientoDe[hacia.codigo] },
        };
      }
      default:
        return null;
    }
  };
}
