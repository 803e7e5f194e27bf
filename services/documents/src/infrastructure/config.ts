import { env, loadConfig } from '@expedientes/shared-kernel/adapters/runtime';
import { z } from 'zod';

/** What the documents context lets its operators tune, in both modes. */
export interface DocumentsSettings {
  /** Largest document version accepted, in bytes. */
  readonly maxBytes: number;
  /** How long a staged upload may wait for an expediente before it is removed. */
  readonly stagedUploadTtlMs: number;
  /** How often the sweeper looks for staged uploads past their time. */
  readonly sweepIntervalMs: number;
}

const MiB = 1024 * 1024;

export const documentsSettingsSchema = z
  .object({
    DOCUMENT_MAX_BYTES: env.positiveInt(50 * MiB),
    STAGED_UPLOAD_TTL_SECONDS: env.positiveInt(86_400),
    /** Hourly by default, or as often as the time to live when that is shorter. */
    STAGED_UPLOAD_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().positive().optional(),
  })
  .transform((vars): DocumentsSettings => ({
    maxBytes: vars.DOCUMENT_MAX_BYTES,
    stagedUploadTtlMs: vars.STAGED_UPLOAD_TTL_SECONDS * 1000,
    sweepIntervalMs:
      (vars.STAGED_UPLOAD_SWEEP_INTERVAL_SECONDS ??
        Math.min(3_600, vars.STAGED_UPLOAD_TTL_SECONDS)) * 1000,
  }));

/** @throws ConfigurationError naming every malformed variable. */
export const documentsSettings = (
  variables: Record<string, string | undefined> = process.env,
): DocumentsSettings => loadConfig(documentsSettingsSchema, variables);
