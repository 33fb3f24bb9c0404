import type { FastifyReply } from 'fastify';
import type { Views } from '../views/render.js';

/** A text field of a form body; anything else (missing, repeated) reads as empty. */
export function field(body: unknown, name: string): string {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : '';
}

/** `?return_to=` (and other parameters) appended to a page link, when there is a safe one to keep. */
export function withReturnTo(path: string, returnTo: string | undefined, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams(extra);
  if (returnTo !== undefined) params.set('return_to', returnTo);
  const query = params.toString();
  return query === '' ? path : `${path}?${query}`;
}

/** Sends a page: never cached (each carries a CSRF token or a person's data). */
export function sendPage(views: Views, reply: FastifyReply, name: string, data: Record<string, unknown>, status = 200): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(views.render(name, data));
}

/** The page for a one-time link that is unknown, used, or more than an hour old. */
export function sendInvalidLink(views: Views, reply: FastifyReply, what: string, again: string): FastifyReply {
  return sendPage(
    views,
    reply,
    'error',
    { title: 'This link cannot be used', heading: 'This link cannot be used', message: `This ${what} link is unknown, was already used, or is more than an hour old. ${again}` },
    400,
  );
}
