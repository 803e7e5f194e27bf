import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** The `*.json` files of a folder of definitions, by name, each with its text. */
export async function jsonFilesIn(
  directory: string,
): Promise<Array<{ readonly file: string; readonly text: string }>> {
  const files = (await readdir(directory)).filter((file) => file.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => ({ file, text: await readFile(join(directory, file), 'utf8') })),
  );
}

/**
 * A definition file's text as `schema` reads it; what is wrong with it goes to `refuse`, in
 * words an operator can act on (which field, why), to be thrown.
 */
export function parseJsonFile<TSchema extends z.ZodType>(
  text: string,
  schema: TSchema,
  refuse: (problem: string) => Error,
): z.output<TSchema> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw refuse(`not JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw refuse(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    );
  }
  return parsed.data;
}
