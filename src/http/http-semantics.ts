import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { InvalidRequestError } from '../errors.js';
import { writeJsonError } from './client-errors.js';

/** RFC 3986 section 3.2.2 host (reg-name, IPv4 or IP literal), with an optional port. */
const HOST_FIELD = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::\d*)?$/;

/**
 * The corners of HTTP/1.1 that Node answers on its own, with a bare status and no body,
 * before any of Larder's hooks could write the error in Larder's terms:
 *
 * - RFC 9112 section 3.2: an HTTP/1.1 request without Host, with two, or with a Host that
 *   is not a host gets a 400. Node checks only the first; Larder checks all three, in its
 *   error handler (JSON or an error page, every header).
 * - RFC 9110 section 9.3.6: CONNECT asks a proxy for a tunnel. Larder is no proxy; Node
 *   would close the connection without a word, Larder answers 405.
 * - RFC 9110 section 10.1.1: an expectation other than 100-continue MAY be refused with
 *   417; Node writes a bare 417, Larder ignores the expectation and answers the request.
 */
/** What is wrong with an HTTP/1.1 request's Host fields (RFC 9112 section 3.2), or undefined. */
export function hostProblem(raw: http.IncomingMessage): InvalidRequestError | undefined {
  if (raw.httpVersion !== '1.1') return undefined;
  const fields = raw.rawHeaders;
  let hosts = 0;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') hosts++;
  }
  if (hosts === 0) return new InvalidRequestError('An HTTP/1.1 request needs a Host header (RFC 9112 section 3.2).');
  if (hosts > 1) return new InvalidRequestError('The request has more than one Host header (RFC 9112 section 3.2).');
  const host = raw.headers.host ?? '';
  // Nearly every request names the same host: the last one found valid is not tested again.
  if (host !== lastValidHost) {
    if (!HOST_FIELD.test(host)) return new InvalidRequestError('The Host header is not a host name or address (RFC 9112 section 3.2).');
    lastValidHost = host;
  }
  return undefined;
}

let lastValidHost: string | undefined;

export function installHttpSemantics(app: FastifyInstance): void {
  const server = app.server as http.Server & { requireHostHeader?: boolean };
  // The Host fields are checked by the request entry hook (request-entry.ts: hostProblem).
  server.requireHostHeader = false;

  server.on('connect', (_request: http.IncomingMessage, socket: Socket) => {
    socket.on('error', () => undefined);
    writeJsonError(socket, 405, 'method_not_allowed', 'Larder is not a proxy: CONNECT is not served here.', ['Allow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS']);
  });

  server.on('checkExpectation', (request: http.IncomingMessage, response: http.ServerResponse) => {
    server.emit('request', request, response);
  });
}
