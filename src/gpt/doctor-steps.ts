/**
 * What both doctors (`larder gpt:doctor`, `larder doctor --mcp`) share: a step's record, the
 * failure a step throws, and the runner that turns each step's outcome into a line of the report
 * and skips the rest once one has failed.
 */
export interface DoctorStep {
  name: string;
  status: 'ok' | 'warn' | 'fail' | 'skipped';
  detail: string;
  fix?: string;
}

/** A step's outcome: a pass, a warning, or a failure that lets the later steps still run. */
export type StepOutcome = string | { warn: string; fix?: string } | { fail: string; fix: string };

/** A failed step that stops the run: what went wrong and how to fix it. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
  }
}

/** Why a request did not get an answer, in words: refused, unknown host, timeout. */
export function describeNetworkError(error: unknown, base: string): string {
  const cause = (error as { cause?: { code?: string } } | null)?.cause?.code;
  if (cause === 'ECONNREFUSED') return `Nothing answers at ${base} (connection refused).`;
  if (cause === 'ENOTFOUND') return `The host of ${base} does not resolve.`;
  if (error instanceof Error && error.name === 'TimeoutError') return `${base} did not answer in time.`;
  return `Request failed: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * A function that runs one named step and hands its record to `record`: thrown `StepFailure`s and
 * network errors fail the step and skip every later one.
 */
export function stepRunner(base: string, record: (step: DoctorStep) => void): (name: string, work: () => Promise<StepOutcome>) => Promise<void> {
  let failed = false;
  return async (name, work) => {
    let result: DoctorStep;
    if (failed) {
      result = { name, status: 'skipped', detail: 'skipped: an earlier step failed' };
    } else {
      try {
        const outcome = await work();
        if (typeof outcome === 'string') result = { name, status: 'ok', detail: outcome };
        else if ('fail' in outcome) result = { name, status: 'fail', detail: outcome.fail, fix: outcome.fix };
        else result = { name, status: 'warn', detail: outcome.warn, ...(outcome.fix ? { fix: outcome.fix } : {}) };
      } catch (error) {
        failed = true;
        if (error instanceof StepFailure) result = { name, status: 'fail', detail: error.message, ...(error.fix ? { fix: error.fix } : {}) };
        else result = { name, status: 'fail', detail: describeNetworkError(error, base), fix: `Is Larder running and reachable at ${base}? Start it with npm start, or pass --url.` };
      }
    }
    record(result);
  };
}
