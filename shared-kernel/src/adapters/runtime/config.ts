import { z } from 'zod';

/** The process cannot start with this configuration; the message lists every problem. */
export class ConfigurationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

/**
 * Reads the process's configuration from environment variables, checked at start-up: one
 * clear line per missing or malformed variable, instead of a failure deep inside a driver.
 */
export function loadConfig<TSchema extends z.ZodType>(
  schema: TSchema,
  env: Record<string, string | undefined> = process.env,
): z.infer<TSchema> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigurationError(
    parsed.error.issues.map((issue) => {
      const variable = issue.path.join('.') || '(environment)';
      return env[variable] === undefined && issue.code === 'invalid_type'
        ? `${variable} is required`
        : `${variable}: ${issue.message}`;
    }),
  );
}

/** Environment helpers: variables are text, these make numbers and lists of them. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(1).max(65_535).default(fallback),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  list: () =>
    z
      .string()
      .min(1)
      .transform((value) =>
        value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      ),
  url: (protocols: readonly string[]) =>
    z
      .string()
      .min(1)
      .refine(
        (value) => {
          try {
            return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
          } catch {
            return false;
          }
        },
        `must be a URL starting with ${protocols.map((protocol) => `${protocol}://`).join(' or ')}`,
      ),
};
