import { z } from 'zod';
import { streamedForm, withSingleFile } from '../../src/api/forms';
import { FormPart } from '../../src/api/multipart';
import { ArchivoEntrante } from '../../src/ports/documents-api';

const field = (name: string, value: string): FormPart => ({ kind: 'field', name, value });
const file = (nombre: string, fieldName = 'files'): FormPart => ({
  kind: 'file',
  field: fieldName,
  archivo: { nombre, contenido: (async function* () {})() },
});

/** Parts as a form would stream them, remembering how far they were read. */
function partsOf(parts: FormPart[]) {
  const progress = { read: 0, closed: false };
  async function* iterate(): AsyncGenerator<FormPart> {
    try {
      for (const part of parts) {
        progress.read += 1;
        yield part;
      }
    } finally {
      progress.closed = true;
    }
  }
  return { parts: iterate(), progress };
}

const fields = z.object({ codigo: z.string().min(1), opcionInicial: z.enum(['A', 'B']) });

const fieldErrors = async (work: Promise<unknown>): Promise<string[]> => {
  const error = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(z.ZodError);
  return (error as z.ZodError).issues.map((issue) => issue.path.join('.')).sort();
};

const drain = async (archivos: AsyncIterable<ArchivoEntrante>): Promise<string[]> => {
  const nombres: string[] = [];
  for await (const archivo of archivos) nombres.push(archivo.nombre);
  return nombres;
};

describe('streamedForm', () => {
  it('hands out the files in order, then the valid fields', async () => {
    const { parts } = partsOf([
      field('codigo', 'E-1'),
      file('a.pdf'),
      field('opcionInicial', 'A'),
      file('b.pdf'),
    ]);
    const form = streamedForm(parts, fields, 'files');
    expect(await drain(form.archivos)).toEqual(['a.pdf', 'b.pdf']);
    expect(form.datos()).toEqual({ codigo: 'E-1', opcionInicial: 'A' });
  });

  it('refuses bad fields sent before a file when the file arrives, without handing it out', async () => {
    const { parts, progress } = partsOf([
      field('opcionInicial', 'Z'),
      file('a.pdf'),
      file('b.pdf'),
    ]);
    const form = streamedForm(parts, fields, 'files');
    expect(await fieldErrors(drain(form.archivos))).toEqual(['opcionInicial']);
    expect(progress).toEqual({ read: 2, closed: true });
  });

  it('checks the fields that came after the files, and that there was a file, at the end', async () => {
    const sinCodigo = streamedForm(
      partsOf([file('a.pdf'), field('opcionInicial', 'B')]).parts,
      fields,
      'files',
    );
    await drain(sinCodigo.archivos);
    expect(await fieldErrors(Promise.resolve().then(() => sinCodigo.datos()))).toEqual(['codigo']);
    const sinArchivos = streamedForm(
      partsOf([field('codigo', 'E'), field('opcionInicial', 'A')]).parts,
      fields,
      'files',
    );
    expect(await drain(sinArchivos.archivos)).toEqual([]);
    expect(await fieldErrors(Promise.resolve().then(() => sinArchivos.datos()))).toEqual(['files']);
  });

  it('refuses a field sent twice, a file in another field, and a field named like a property', async () => {
    const twice = streamedForm(
      partsOf([field('codigo', 'A'), field('codigo', 'B')]).parts,
      fields,
      'files',
    );
    expect(await fieldErrors(drain(twice.archivos))).toEqual(['codigo']);
    const elsewhere = streamedForm(partsOf([file('a.pdf', 'adjunto')]).parts, fields, 'files');
    expect(await fieldErrors(drain(elsewhere.archivos))).toEqual(['adjunto']);
    const proto = streamedForm(
      partsOf([
        field('constructor', 'x'),
        field('codigo', 'E'),
        field('opcionInicial', 'A'),
        file('a.pdf'),
      ]).parts,
      fields,
      'files',
    );
    expect(await drain(proto.archivos)).toEqual(['a.pdf']);
    expect(proto.datos()).toEqual({ codigo: 'E', opcionInicial: 'A' });
  });

  it('will not tell its fields before the files have been read', () => {
    const form = streamedForm(partsOf([]).parts, fields, 'files');
    expect(() => form.datos()).toThrow(/read to the end/);
  });
});

describe('withSingleFile', () => {
  it('gives the first file of the field to the work, and closes the form only after it', async () => {
    const { parts, progress } = partsOf([
      field('nota', 'x'),
      file('otro.pdf', 'adjunto'),
      file('a.pdf', 'file'),
      file('b.pdf', 'file'),
    ]);
    const seen = await withSingleFile(parts, 'file', async (archivo) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(progress.closed).toBe(false);
      return archivo.nombre;
    });
    expect(seen).toBe('a.pdf');
    expect(progress).toEqual({ read: 3, closed: true });
  });

  it('refuses a form without the file', async () => {
    const { parts } = partsOf([field('nota', 'x')]);
    expect(await fieldErrors(withSingleFile(parts, 'file', async () => 'nunca'))).toEqual(['file']);
  });
});
