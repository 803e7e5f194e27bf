import { z } from 'zod';
import { Procedimiento } from '../../domain/procedimiento';
import { jsonFilesIn, parseJsonFile } from '../json-files';

const codigo = z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only');

const plazo = z.strictObject({
  dias: z.number().int().positive().max(3650),
  computo: z.enum(['habiles', 'naturales']),
});

/**
 * One procedure definition file, `<codigo>.v<version>.json`. `esquema` versions the format:
 * 1 (or absent) as first written; 2 adds each phase's `plazo`.
 */
const procedureFileSchema = z.strictObject({
  esquema: z.union([z.literal(1), z.literal(2)]).optional(),
  codigo,
  version: z.number().int().positive(),
  nombre: z.string().min(1),
  faseInicial: codigo,
  fases: z
    .array(
      z.strictObject({
        codigo,
        nombre: z.string().min(1),
        final: z.boolean(),
        plazo: plazo.optional(),
      }),
    )
    .min(1),
  rolesConTodasLasTransiciones: z.array(z.string().min(1)),
  transiciones: z.array(
    z.strictObject({
      desde: codigo,
      hacia: codigo,
      roles: z.array(z.string().min(1)),
      requiereMotivo: z.boolean().optional(),
    }),
  ),
});

const fileName = /^(?<codigo>[A-Za-z0-9_-]+)\.v(?<version>\d+)\.json$/;

/** A procedure file that cannot be used: the service refuses to start with it. */
export class ProcedureFileError extends Error {
  constructor(file: string, problem: string) {
    super(`procedure definition ${file}: ${problem}`);
    this.name = 'ProcedureFileError';
  }
}

function parse(file: string, text: string): Procedimiento {
  const parsed = parseJsonFile(
    text,
    procedureFileSchema,
    (problem) => new ProcedureFileError(file, problem),
  );
  // The format's version says what a file may hold; the model takes the definition alone.
  const { esquema = 1, ...definicion } = parsed;
  if (esquema < 2 && definicion.fases.some((fase) => fase.plazo)) {
    throw new ProcedureFileError(file, 'plazos need "esquema": 2');
  }
  const named = fileName.exec(file)?.groups;
  if (named?.codigo !== definicion.codigo || Number(named.version) !== definicion.version) {
    throw new ProcedureFileError(
      file,
      `defines ${definicion.codigo} v${definicion.version}, so it must be named ${definicion.codigo}.v${definicion.version}.json`,
    );
  }
  try {
    return Procedimiento.definir(definicion);
  } catch (error) {
    throw new ProcedureFileError(file, (error as Error).message);
  }
}

/**
 * Reads and checks every procedure definition in `directory` (one versioned JSON file per
 * procedure version), at start-up: a broken definition stops the service with its reason.
 */
export async function loadProcedureFiles(directory: string): Promise<Procedimiento[]> {
  const files = await jsonFilesIn(directory);
  if (files.length === 0) {
    throw new ProcedureFileError(directory, 'the folder holds no procedure definition (*.json)');
  }
  return files.map(({ file, text }) => parse(file, text));
}
