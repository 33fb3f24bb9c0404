/**
 * Errors as data: every failure Larder reports carries a stable `code`, the HTTP
 * status it maps to and a description a person can read. One place (the Fastify
 * error handler in app.ts) turns them into `{ error, error_description }` replies.
 */
export class LarderError extends Error {
  readonly code: string;
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(code: string, status: number, description: string, headers: Record<string, string> = {}) {
    super(description);
    this.name = 'LarderError';
    this.code = code;
    this.status = status;
    this.headers = headers;
  }

  toJSON(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.message };
  }
}

export class InvalidRequestError extends LarderError {
  constructor(description: string) {
    super('invalid_request', 400, description);
  }
}

export class NotFoundError extends LarderError {
  constructor(description: string) {
    super('not_found', 404, description);
  }
}

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** An input file that cannot be imported; `location` names the line or record. */
export class ImportError extends Error {
  readonly location: string;
  constructor(location: string, description: string) {
    super(`${location}: ${description}`);
    this.name = 'ImportError';
    this.location = location;
  }
}
