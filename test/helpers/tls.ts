import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface TestCertificate {
  key: string;
  cert: string;
  /** A PEM file with the certificate, for NODE_EXTRA_CA_CERTS. */
  certFile: string;
  remove(): void;
}

/**
 * A self-signed certificate made for this test run (openssl), valid for localhost,
 * 127.0.0.1 and `names`: a test HTTPS server on loopback that a client trusts only when
 * told to.
 */
export function makeTestCertificate(names: string[] = []): TestCertificate {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'larder-tls-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  const san = ['DNS:localhost', 'IP:127.0.0.1', ...names.map((name) => `DNS:${name}`)].join(',');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', `subjectAltName=${san}`, '-keyout', keyFile, '-out', certFile],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestHttpsServer {
  server: https.Server;
  port: number;
  /** TCP connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

/** An HTTPS server on 127.0.0.1 (a free port) answering with `handler`. */
export async function startHttpsServer(certificate: TestCertificate, handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<TestHttpsServer> {
  const server = https.createServer({ key: certificate.key, cert: certificate.cert }, handler);
  const state = { connections: 0 };
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
