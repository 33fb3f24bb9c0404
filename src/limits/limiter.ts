import { hash } from 'node:crypto';

/**
 * A fixed-window counter: at most `limit` units per `windowSeconds` per key. The window
 * starts with the first unit counted against a key and does not move while it runs, so a
 * client refused once knows exactly when it may come back (Retry-After).
 */
export interface LimitRule {
  /** Names the rule in keys and logs: `register`, `oauth-token-failure`, … */
  name: string;
  limit: number;
  windowSeconds: number;
}

export interface LimitDecision {
  /** Whether this unit fits within the limit (for `peek`: whether one more would). */
  allowed: boolean;
  /** Units counted in the current window, this one included. */
  count: number;
  limit: number;
  remaining: number;
  /** Seconds until the window ends (at least 1): the `Retry-After` of a refusal. */
  retryAfterSeconds: number;
}

/** Where counters live: the database (shared by every instance on it) or Redis. */
export interface LimitStore {
  readonly kind: 'database' | 'redis';
  /** Adds `cost` to the key's count in its current window (a new window if none runs) and returns the count and the window's end (epoch ms). */
  add(key: string, cost: number, windowMs: number, nowMs: number): Promise<{ count: number; endsAtMs: number }>;
  /** The running window of a key, or undefined when none runs. */
  read(key: string, nowMs: number): Promise<{ count: number; endsAtMs: number } | undefined>;
  /** Takes `cost` back within the running window, never below zero. */
  subtract(key: string, cost: number, nowMs: number): Promise<void>;
  remove(key: string): Promise<void>;
  /** Deletes windows that have ended (Redis expires them by itself). Returns how many. */
  purge(nowMs: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * Counters shared by every Larder instance. Keys name what is limited, such as
 * `register:203.0.113.7` or `login-account:ann@example.com`; stores keep only their
 * SHA-256, since keys carry addresses and emails.
 *
 * @example
 * const decision = await limiter.consume('register:' + request.ip, 10, 3600);
 * if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds, '…');
 */
export class RateLimiter {
  readonly #store: LimitStore;
  readonly #now: () => number;
  #onError: (error: unknown) => void = () => undefined;

  constructor(store: LimitStore, options: { now?: () => number } = {}) {
    this.#store = store;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Where store failures are reported (installRateLimits sends them to the log). A limiter
   * whose store is unreachable (Redis down) lets requests through rather than refusing
   * everyone: limits slow attackers, they must not take the service down with them.
   */
  onError(handler: (error: unknown) => void): void {
    this.#onError = handler;
  }

  async #guard<T>(work: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await work();
    } catch (error) {
      this.#onError(error);
      return fallback;
    }
  }

  get backend(): LimitStore['kind'] {
    return this.#store.kind;
  }

  /** Counts one unit (or `cost`) against `key` and says whether it was within the limit. */
  async consume(key: string, limit: number, windowSeconds: number, cost = 1): Promise<LimitDecision> {
    const now = this.#now();
    const window = await this.#guard(() => this.#store.add(storedKey(key), cost, windowSeconds * 1000, now), undefined);
    if (!window) return decide(0, limit, now + windowSeconds * 1000, now, true);
    return decide(window.count, limit, window.endsAtMs, now, window.count <= limit);
  }

  /** Whether one more unit would still be within the limit, counting nothing. */
  async peek(key: string, limit: number, windowSeconds: number): Promise<LimitDecision> {
    const now = this.#now();
    const window = await this.#guard(() => this.#store.read(storedKey(key), now), undefined);
    if (!window) return decide(0, limit, now + windowSeconds * 1000, now, limit > 0);
    return decide(window.count, limit, window.endsAtMs, now, window.count < limit);
  }

  /** Gives back units counted earlier in the running window (a success that turned out harmless). */
  async refund(key: string, cost = 1): Promise<void> {
    await this.#guard(() => this.#store.subtract(storedKey(key), cost, this.#now()), undefined);
  }

  /** Forgets a key's count at once (`larder users:unlock`, a successful log-in). */
  async reset(key: string): Promise<void> {
    await this.#store.remove(storedKey(key));
  }

  purge(): Promise<number> {
    return this.#store.purge(this.#now());
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}

/** `rule.name:subject`, the key a rule counts a subject (an address, an email) under. */
export function ruleKey(rule: LimitRule, subject: string): string {
  return `${rule.name}:${subject}`;
}

function storedKey(key: string): string {
  return hash('sha256', key, 'base64url');
}

function decide(count: number, limit: number, endsAtMs: number, nowMs: number, allowed: boolean): LimitDecision {
  return {
    allowed,
    count,
    limit,
    remaining: Math.max(0, limit - count),
    retryAfterSeconds: Math.max(1, Math.ceil((endsAtMs - nowMs) / 1000)),
  };
}
