import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Lines shown of one trail, and characters of each line. */
const MAX_LINES = 60;
const MAX_LINE = 400;

/**
 * Every line of the processes' logs in `logDir` that carries `correlationId`, in time order,
 * each after its log's name: what each service did for one request, its saga included. A
 * failed operation of the benchmark shows its trail, so that a failure on a CI machine, whose
 * logs are gone afterwards, can be explained from its output.
 */
export function logTrail(logDir: string, correlationId: string): string[] {
  const lines: { at: string; line: string }[] = [];
  const needle = `"correlationId":"${correlationId}"`;
  for (const file of readdirSync(logDir).filter((name) => name.endsWith('.log'))) {
    const name = file.slice(0, -'.log'.length);
    for (const line of readFileSync(join(logDir, file), 'utf8').split('\n')) {
      if (!line.includes(needle)) continue;
      const at = /"time":"([^"]+)"/.exec(line)?.[1] ?? '';
      lines.push({ at, line: `${name}: ${line.slice(0, MAX_LINE)}` });
    }
  }
  lines.sort((a, b) => a.at.localeCompare(b.at));
  const shown = lines.slice(0, MAX_LINES).map((each) => each.line);
  if (lines.length > MAX_LINES) shown.push(`… ${lines.length - MAX_LINES} more lines`);
  return shown;
}
