import type { TrustProxy } from '../config.js';

/**
 * TRUST_PROXY as Fastify's `trustProxy`. A hop count becomes proxy-addr's trust function
 * (the first `hops` addresses, counted from the socket, are proxies), because Fastify 5
 * treats a bare number as "trust nothing". With one hop, nginx's
 * `X-Forwarded-For: <what the client wrote>, <the client's real address>` yields the
 * real address: only the entry the trusted proxy appended is believed.
 */
export function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (trust === false || trust === 0) return false;
  if (typeof trust === 'number') return (_address: string, hop: number) => hop < trust;
  return trust;
}
