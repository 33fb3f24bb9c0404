import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

/** A value now, or a promise of it when there is something to wait for. */
export type MaybePromise<T> = T | Promise<T>;

/** A step before the handler: returns nothing when it is done at once, a promise when it waits (a token or a person not cached). */
export type RequestStep = (request: FastifyRequest, reply: FastifyReply) => MaybePromise<void>;

/** A step as the answer leaves: the payload to send (undefined: unchanged), now or once a promise settles. */
export type PayloadStep = (request: FastifyRequest, reply: FastifyReply, payload: unknown) => MaybePromise<unknown>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

/**
 * The steps as one callback-style `onRequest` hook, in order: a step that finishes at once
 * (a cached token, caller and quota block, the usual case) costs no promise and no
 * microtask, which each async hook does whether or not it waits. A step that throws or
 * rejects ends the request with that error, as a hook of its own would.
 */
export function requestSteps(steps: readonly RequestStep[]) {
  return function runRequestSteps(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    let i = 0;
    const next = (): void => {
      try {
        while (i < steps.length) {
          const pending = steps[i++]!(request, reply);
          if (pending !== undefined) {
            pending.then(next, done);
            return;
          }
        }
      } catch (error) {
        done(error as Error);
        return;
      }
      done();
    };
    next();
  };
}

/** The steps as one callback-style `onSend` hook, in order, each given the payload the one before returned. */
export function payloadSteps(steps: readonly PayloadStep[]) {
  return function runPayloadSteps(request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: Error | null, payload?: unknown) => void): void {
    let i = 0;
    let current = payload;
    const next = (value: unknown): void => {
      if (value !== undefined) current = value;
      try {
        while (i < steps.length) {
          const out = steps[i++]!(request, reply, current);
          if (isPromise(out)) {
            out.then(next, done);
            return;
          }
          if (out !== undefined) current = out;
        }
      } catch (error) {
        done(error as Error);
        return;
      }
      done(null, current);
    };
    next(undefined);
  };
}
