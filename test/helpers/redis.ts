import net from 'node:net';

/** The machine's Redis (127.0.0.1:6379, or LARDER_TEST_REDIS_URL). */
export const TEST_REDIS_URL = process.env.LARDER_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether Redis answers; tests that need it skip without it, except under CI=true, which must have it. */
export async function redisAvailable(): Promise<boolean> {
  const url = new URL(TEST_REDIS_URL);
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port || 6379) });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
  if (!reachable && process.env.CI === 'true') throw new Error(`Redis is not reachable at ${TEST_REDIS_URL}, and CI must run the Redis tests`);
  return reachable;
}

/** An address nobody else's test uses (2001:db8::/32 is for documentation), so runs sharing one Redis never meet. */
export function uniqueAddress(): string {
  const part = () => Math.floor(Math.random() * 0xffff).toString(16);
  return `2001:db8:${part()}:${part()}:${part()}:${part()}:${part()}:${part()}`;
}
