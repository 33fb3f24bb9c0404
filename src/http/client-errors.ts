import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** How long a refused connection may still deliver what it was sending before it is closed. */
const LINGER_MS = 1_000;

const answered = new WeakSet<Socket>();

/** The status for what Node's HTTP parser refused, with words a caller can act on. */
function describe(error: NodeJS.ErrnoException): { status: number; code: string; description: string } {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, code: 'request_header_fields_too_large', description: 'The request line and headers are larger than 16 KiB; send a shorter address or fewer, smaller headers.' };
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, code: 'request_timeout', description: 'The request took too long to arrive.' };
  }
  return { status: 400, code: 'invalid_request', description: 'The request is not well-formed HTTP/1.1 (RFC 9112).' };
}

/**
 * An error answer written straight on a socket, in the `{error, error_description}` shape,
 * for what Node answers before any request object exists (a refused parse, CONNECT); the
 * connection is closed after it. `headers` are extra header lines (`Allow: …`).
 */
export function writeJsonError(socket: Socket, status: number, code: string, description: string, headers: readonly string[] = []): void {
  const body = JSON.stringify({ error: code, error_description: description });
  socket.end(
    [
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}`,
      ...headers,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Cache-Control: no-store',
      'X-Content-Type-Options: nosniff',
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser refuses before any route
 * (malformed request lines and headers, headers over the size limit, a body cut short).
 * There is no request object yet, so the reply is written on the socket, in the same
 * `{error, error_description}` shape as every other error (the path is not known
 * reliably at this point, and the callers who send such requests are programs).
 *
 * Nothing is written to a connection the client already reset, and nothing about the
 * request is logged: Node's error carries the raw bytes received (`rawPacket`), which
 * hold the client's Authorization and Cookie headers.
 */
export function answerClientError(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  if (answered.has(socket)) return;
  answered.add(socket);
  this.log.debug({ clientError: { code: error.code, message: error.message } }, 'malformed request refused');
  // A pipelined request refused while the one before it is being answered: writing now
  // would land in the middle of that answer (Node's own handler holds back the same way).
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, code, description } = describe(error);
  writeJsonError(socket, status, code, description);
  // A client still sending (a huge header) would get a reset, not this answer, if the
  // socket closed at once with its bytes unread; read and drop them for a moment first.
  socket.resume();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
