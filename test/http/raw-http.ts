import net from 'node:net';

export interface RawResponse {
  /** 0 when the connection closed without an answer. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Everything received, as text. */
  raw: string;
  /** How the exchange ended when it did not end with an answer. */
  failure?: 'reset' | 'timeout' | 'closed';
}

function decodeChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Where the final answer starts, after any interim 1xx answers (100 Continue). */
function finalStart(received: Buffer): number {
  let at = 0;
  while (/^HTTP\/1\.[01] 1\d\d/.test(received.subarray(at, at + 16).toString('latin1'))) {
    const end = received.indexOf('\r\n\r\n', at);
    if (end < 0) return -1;
    at = end + 4;
  }
  return at;
}

function isComplete(all: Buffer): boolean {
  const start = finalStart(all);
  if (start < 0) return false;
  const received = all.subarray(start);
  const headEnd = received.indexOf('\r\n\r\n');
  if (headEnd < 0) return false;
  const head = received.subarray(0, headEnd).toString('latin1');
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
  if (length !== undefined) return received.length - headEnd - 4 >= Number(length);
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) return received.includes('\r\n0\r\n\r\n', headEnd);
  return /^HTTP\/1\.[01] (204|304)/.test(head);
}

/** One parsed answer, and where in the bytes it was read from the next one starts. */
function parseOne(all: Buffer): { response: Omit<RawResponse, 'raw' | 'failure'>; end: number } | undefined {
  const start = finalStart(all);
  if (start < 0) return undefined;
  const received = all.subarray(start);
  const headEnd = received.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [statusLine = '', ...lines] = received.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = received.subarray(headEnd + 4);
  let end = all.length;
  // RFC 9112 section 6.3: a 204 or 304 has no body, whatever follows its head (a pipelined answer).
  if (status === 204 || status === 304) {
    body = body.subarray(0, 0);
    end = start + headEnd + 4;
  } else if (headers['content-length'] !== undefined) {
    body = body.subarray(0, Number(headers['content-length']));
    end = start + headEnd + 4 + body.length;
  } else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const last = received.indexOf('\r\n0\r\n\r\n', headEnd);
    if (last >= 0) end = start + last + 7;
    body = decodeChunked(body);
  }
  return { response: { status, headers, body: body.toString('utf8') }, end };
}

/** The final HTTP response in `all` (interim 1xx answers skipped), or undefined while its head is incomplete. */
export function parseResponse(all: Buffer): Omit<RawResponse, 'raw' | 'failure'> | undefined {
  return parseOne(all)?.response;
}

/** Every answer in `all`, in order: what a connection carrying pipelined requests received. */
export function parseResponses(all: Buffer): Array<Omit<RawResponse, 'raw' | 'failure'>> {
  const responses: Array<Omit<RawResponse, 'raw' | 'failure'>> = [];
  let rest = all;
  for (let one = parseOne(rest); one; one = parseOne(rest)) {
    responses.push(one.response);
    rest = rest.subarray(one.end);
  }
  return responses;
}

/**
 * Sends bytes exactly as given on a new connection (what fetch cannot send: malformed
 * request lines, absolute-form targets, invalid header bytes, bodies cut short) and
 * reads until the server closes or `timeoutMs` passes.
 *
 * @example await rawRequest(port, 'GET http://127.0.0.1/api/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
 */
export function rawRequest(port: number, request: string | Buffer, options: { timeoutMs?: number; host?: string; hangUpAfterMs?: number } = {}): Promise<RawResponse> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let failure: RawResponse['failure'];
    const socket = net.connect(port, options.host ?? '127.0.0.1');
    const timer = setTimeout(() => {
      failure = 'timeout';
      socket.destroy();
    }, options.timeoutMs ?? 10_000);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // A whole answer is in: no need to wait for the server to close (keep-alive).
      if (isComplete(Buffer.concat(chunks))) socket.destroy();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      failure ??= error.code === 'ECONNRESET' || error.code === 'EPIPE' ? 'reset' : 'closed';
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const received = Buffer.concat(chunks);
      const parsed = parseResponse(received);
      resolve(parsed ? { ...parsed, raw: received.toString('latin1') } : { status: 0, headers: {}, body: '', raw: received.toString('latin1'), failure: failure ?? 'closed' });
    });
    socket.write(request);
    // A client that gives up mid-request: it sends what it has, waits a moment, and hangs up.
    if (options.hangUpAfterMs !== undefined) setTimeout(() => socket.destroy(), options.hangUpAfterMs);
  });
}
