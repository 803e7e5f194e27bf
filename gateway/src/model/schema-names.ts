import { z } from 'zod';

/**
 * Names a resource the API serves, so the OpenAPI document shows it once, under
 * `components.schemas`, and refers to it everywhere else. (zod's metadata registry: the name
 * and description travel with the schema into the JSON Schema.)
 */
export const named = <TSchema extends z.ZodType>(
  id: string,
  description: string,
  schema: TSchema,
): TSchema => schema.meta({ id, description });
