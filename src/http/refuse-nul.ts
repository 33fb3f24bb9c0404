import type { FastifyInstance } from 'fastify';
import { InvalidRequestError } from '../errors.js';

/**
 * U+0000 is in no name, email, id, date or token Larder knows, and PostgreSQL cannot store
 * it in text at all (it refuses the whole statement: a 500 where a 400 is due). It is
 * refused where input enters: in the request target (`%00` in a path or query) and in
 * any string of a parsed body, whatever its depth.
 */
export class NulCharacterError extends InvalidRequestError {
  constructor(where: string) {
    super(`The ${where} contains a NUL character (U+0000, %00), which Larder never accepts.`);
  }
}

/** Whether a target (path and query, still %-encoded) holds a NUL, encoded or not. */
export function targetHasNul(target: string): boolean {
  return target.includes('\u0000') || target.includes('%00');
}

/** Whether any string (key or value) of a parsed body holds a NUL; iterative, so depth costs no stack. */
export function valueHasNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  let visited = 0;
  while (pending.length > 0 && visited++ < 1_000_000) {
    const item = pending.pop();
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return true;
    } else if (Array.isArray(item)) {
      pending.push(...item);
    } else if (item !== null && typeof item === 'object' && !Buffer.isBuffer(item)) {
      for (const [key, entry] of Object.entries(item)) {
        if (key.includes('\u0000')) return true;
        pending.push(entry);
      }
    }
  }
  return false;
}

/** Refuses a NUL in a parsed body; one in the request target is refused by the request entry hook (request-entry.ts). */
export function installNulRefusal(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    done(request.body !== undefined && valueHasNul(request.body) ? new NulCharacterError('request body') : undefined);
  });
}
