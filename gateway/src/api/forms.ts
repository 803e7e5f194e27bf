import { z } from 'zod';
import { FormularioConArchivos } from '../application/open-expediente';
import { ArchivoEntrante } from '../ports/documents-api';
import { invalidField } from './api-errors';
import { FormPart } from './multipart';

/** Each form's fields with all of them optional, built once: zod takes ~60 µs to build one. */
const partials = new WeakMap<z.ZodObject, z.ZodObject>();

function partialOf(fields: z.ZodObject): z.ZodObject {
  let partial = partials.get(fields);
  if (!partial) partials.set(fields, (partial = fields.partial()));
  return partial;
}

/**
 * Fields and any number of files (at least one) under `fileField`. Fields sent before the
 * files are checked as each file arrives, so a bad form is refused before its files go
 * anywhere; the rest are checked at the end.
 */
export function streamedForm<TFields extends z.ZodObject>(
  parts: AsyncIterable<FormPart>,
  fields: TFields,
  fileField: string,
): FormularioConArchivos<z.output<TFields>> {
  const received = new Map<string, string>();
  let files = 0;
  let read = false;
  async function* archivos(): AsyncGenerator<ArchivoEntrante> {
    for await (const part of parts) {
      if (part.kind === 'field') {
        if (received.has(part.name)) throw invalidField(part.name, 'Aparece más de una vez');
        received.set(part.name, part.value);
        continue;
      }
      if (part.field !== fileField) {
        throw invalidField(part.field, `Los archivos van en el campo ${fileField}`);
      }
      partialOf(fields).parse(Object.fromEntries(received));
      files += 1;
      yield part.archivo;
    }
    read = true;
  }
  return {
    archivos: archivos(),
    datos: () => {
      if (!read) throw new Error('the form is read to the end before its fields');
      const datos = fields.parse(Object.fromEntries(received));
      if (files === 0) throw invalidField(fileField, 'Adjunte al menos un archivo');
      return datos;
    },
  };
}

/**
 * The one file of a form under `fileField`, handed to `work` as it streams in; other fields
 * are not read, and nothing after the file is.
 */
export async function withSingleFile<TResult>(
  parts: AsyncIterable<FormPart>,
  fileField: string,
  work: (archivo: ArchivoEntrante) => Promise<TResult>,
): Promise<TResult> {
  for await (const part of parts) {
    // Awaited here: leaving the loop closes the form, which must wait until the file is read.
    if (part.kind === 'file' && part.field === fileField) return await work(part.archivo);
  }
  throw invalidField(fileField, 'Adjunte el archivo');
}
