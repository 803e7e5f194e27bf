import { multipart, pdfLike } from '../documents';
import { correlationOf, jsonOf, kindOf, now, Outcome } from '../http';
import { Context, Known, pick, Recorder } from './harness';

/** The file of an `open`: one PDF of 100 KB, as issue 10 measures. */
export const OPEN_FILE_BYTES = 100 * 1024;
/** The file of each expediente `load` creates: small, so that N = 100,000 fits on a disk. */
export const LOAD_FILE_BYTES = 4 * 1024;

/** Words the descriptions are made of, two each: what the read scenario searches for. */
export const VOCABULARY = [
  'licencia',
  'obra',
  'vado',
  'terraza',
  'subvencion',
  'ayuda',
  'padron',
  'empadronamiento',
  'tributo',
  'recurso',
  'reclamacion',
  'queja',
  'contrato',
  'suministro',
  'alumbrado',
  'parque',
  'jardin',
  'piscina',
  'biblioteca',
  'mercado',
  'feria',
  'festival',
  'cultura',
  'deporte',
  'polideportivo',
  'carretera',
  'acera',
  'saneamiento',
  'alcantarillado',
  'residuos',
  'reciclaje',
  'limpieza',
  'transporte',
  'autobus',
  'taxi',
  'aparcamiento',
  'bicicleta',
  'escuela',
  'guarderia',
  'becas',
  'vivienda',
  'alquiler',
  'rehabilitacion',
  'fachada',
  'cubierta',
  'ascensor',
  'accesibilidad',
  'energia',
  'solar',
  'arbolado',
] as const;

export interface OpenForm {
  readonly codigo: string;
  readonly token: string;
  readonly body: Buffer;
  readonly contentType: string;
}

/** A new expediente's form: a unique codigo and description word, and one PDF. */
export function newForm(context: Context, fileBytes: number): OpenForm {
  const seq = context.sequence++;
  const codigo = `B-${context.runId}-${String(seq).padStart(6, '0')}`.toUpperCase();
  // Ends in a letter: search matches prefixes, and n1 must not find n10, n11...
  const token = `bx${context.runId}n${seq}e`;
  const descripcion = `Solicitud de ${pick(VOCABULARY)} y ${pick(VOCABULARY)}, referencia ${token}`;
  const { body, contentType } = multipart(
    [
      ['codigo', codigo],
      ['opcionInicial', seq % 2 === 0 ? 'SEDE_ELECTRONICA' : 'PETICION_DEPARTAMENTO'],
      ['descripcion', descripcion],
    ],
    [
      {
        field: 'files',
        filename: `solicitud-${seq}.pdf`,
        contentType: 'application/pdf',
        content: pdfLike(fileBytes, codigo),
      },
    ],
  );
  return { codigo, token, body, contentType };
}

/** A short description of a failed outcome, for the error list. */
export function describe(outcome: Outcome): string {
  if (!outcome.ok) return outcome.kind === 'timeout' ? 'client timeout' : outcome.code;
  const problem = jsonOf<{ detail?: string; title?: string }>(outcome);
  return `${outcome.status} ${problem?.detail ?? problem?.title ?? ''}`.trim();
}

/** A saga still running this long after its 202 is an error: 3 × the default step timeout. */
export const SAGA_TIMEOUT_MS = 180_000;

export interface OpenOptions {
  readonly fileBytes: number;
  /** When the request was due (open loop); by default when it is sent. */
  readonly scheduledAt?: number;
  /** Statuses that are honest answers here but not done (429/503 under overload). */
  readonly refusals?: ReadonlySet<number>;
  /** Told of each 201 at once (the visibility watch starts there). */
  readonly onCreated?: (known: Known, answeredAt: number) => void;
  /** Told of every answer (overload checks afterwards that a refused one created nothing). */
  readonly onAnswer?: (kind: string, form: OpenForm, outcome: Outcome) => void;
}

/**
 * One POST /api/v1/expedientes, accounted in `recorder`: a 201 is an operation; a 202 is
 * accepted and its saga followed to the end (an operation if it completes, an error if it
 * is compensated, fails or does not end); anything else is an error unless `refusals` has it.
 */
export async function openOne(
  context: Context,
  recorder: Recorder,
  options: OpenOptions,
): Promise<void> {
  const form = newForm(context, options.fileBytes);
  const startedAt = options.scheduledAt ?? now();
  const outcome = await context.api.postMultipart('/expedientes', form.body, form.contentType);
  const answeredAt = now();
  const ms = answeredAt - startedAt;
  const kind = kindOf(outcome);
  recorder.requests++;
  recorder.answer(kind, ms);
  options.onAnswer?.(kind, form, outcome);
  const remember = (id: string): Known => {
    const known: Known = { id, codigo: form.codigo, token: form.token, fase: 'INICIAL' };
    context.known.push(known);
    context.fresh.push(known);
    return known;
  };

  if (outcome.ok && outcome.status === 201) {
    const id = jsonOf<{ expedienteId?: string }>(outcome)?.expedienteId;
    if (typeof id !== 'string') {
      recorder.error('201 without expedienteId', form.codigo);
      return;
    }
    recorder.latency.add(ms);
    recorder.operations++;
    const known = remember(id);
    options.onCreated?.(known, answeredAt);
    return;
  }
  if (outcome.ok && outcome.status === 202) {
    recorder.latency.add(ms);
    recorder.accepted++;
    const sagaId = jsonOf<{ sagaId?: string }>(outcome)?.sagaId;
    if (typeof sagaId !== 'string') {
      recorder.error('202 without sagaId', form.codigo);
      return;
    }
    recorder.pending.push(
      context.api.settleSaga(sagaId, SAGA_TIMEOUT_MS).then((end) => {
        if (end.estado === 'completed') {
          recorder.operations++;
          remember(end.expedienteId);
        } else {
          recorder.error(
            `saga ${end.estado}`,
            `${form.codigo}: ${end.detail}`,
            correlationOf(outcome),
          );
        }
      }),
    );
    return;
  }
  if (outcome.ok && options.refusals?.has(outcome.status)) return;
  recorder.error(kind, `${form.codigo}: ${describe(outcome)}`, correlationOf(outcome));
}
