import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Activity } from '../activity.js';
import { activityOf } from '../operation.js';
import { restOperationOf } from '../rest-route.js';
import { routeOf } from '../../http/route-of.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set as the answer is serialized: what the call did, for the usage record (record-usage.ts). */
    apiActivity?: Activity;
  }
}

/**
 * Step 6a, as the answer is serialized: the operation of the route says what the call did
 * (its `activity`, from the validated input and the output it returned), so history can
 * name it. A refused call records only which operation it tried.
 */
export function noteActivity(request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: Error | null, payload?: unknown) => void): void {
  describeCall(request, reply, payload);
  done(null, payload);
}

function describeCall(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
  // A route that sends bytes (catalog/api-routes.ts) noted its own.
  if (request.apiActivity && reply.statusCode < 400) return;
  const route = restOperationOf(routeOf(request).schema);
  if (!route) return;
  const input = route.input === 'none' ? {} : route.input === 'querystring' ? request.query : route.input === 'params' ? request.params : request.body;
  try {
    request.apiActivity = activityOf(route.operation, input, payload, reply.statusCode < 400);
  } catch (error) {
    // History must never cost the answer.
    request.log.error({ err: error }, 'could not describe an API request for history');
    request.apiActivity = { op: route.operation.id };
  }
}
