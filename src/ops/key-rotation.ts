import { stat } from 'node:fs/promises';
import type Provider from 'oidc-provider';
import type { ProviderKeys } from '../oauth/keys.js';

/**
 * oidc-provider takes its `jwks` once, when the Provider is constructed, and its author
 * recommends a (rolling) restart to rotate them (panva/node-oidc-provider#651, #449):
 * there is no supported way to swap the keystore of a running instance. So a running
 * Larder rotates the way a restart would, inside the process: it builds a new Provider
 * from the new keys and sends every later request to it. Requests in flight finish on
 * the old instance. Nothing of the protocol's state lives in a Provider instance (grants,
 * codes, tokens, sessions and interactions are in the database), and the cookie keys of
 * the new instance still include the old ones, so a sign-in that began before the
 * rotation finishes after it.
 */
export interface RotatingProvider {
  /** Stands for whichever Provider is current; hand this one to every module. */
  provider: Provider;
  /** Builds a Provider from `keys` and makes it the current one. */
  rotate(keys: ProviderKeys): void;
  /** The key ids the current Provider signs with (first) and verifies with. */
  keyIds(): string[];
}

/** EventEmitter methods whose listeners must follow the provider across rotations. */
const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);
const REMOVER_METHODS = new Set(['off', 'removeListener']);

type Listener = (...args: unknown[]) => void;
type KoaCallback = (request: unknown, response: unknown) => unknown;

/** Finds where `prop` is defined: an own or inherited data property (a method) or an accessor. */
function descriptorOf(object: object, prop: PropertyKey): PropertyDescriptor | undefined {
  for (let at: object | null = object; at; at = Object.getPrototypeOf(at) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(at, prop);
    if (descriptor) return descriptor;
  }
  return undefined;
}

/**
 * Wraps Provider construction so the instance can be replaced. Everything a module does
 * to "the provider" goes to the current instance: methods are called on it, its models
 * (`provider.AccessToken`, …) are its own, `callback()` returns a request handler that
 * always dispatches to the current instance, and event listeners, `use()` middleware
 * and properties set through this object are applied again to each new instance.
 */
export function rotatingProvider(initial: ProviderKeys, build: (keys: ProviderKeys) => Provider): RotatingProvider {
  let current = build(initial);
  let currentKeys = initial;
  const listeners: Array<{ method: string; event: string | symbol; listener: Listener }> = [];
  const middleware: unknown[] = [];
  const assigned = new Map<PropertyKey, unknown>();
  const callbacks = new WeakMap<Provider, KoaCallback>();
  const callbackOf = (instance: Provider): KoaCallback => {
    let callback = callbacks.get(instance);
    if (!callback) callbacks.set(instance, (callback = instance.callback() as KoaCallback));
    return callback;
  };
  const dispatch: KoaCallback = (request, response) => callbackOf(current)(request, response);

  const stand = new Proxy(current, {
    get(_target, prop) {
      const instance = current;
      if (prop === 'callback') return () => dispatch;
      if (typeof prop === 'string' && LISTENER_METHODS.has(prop)) {
        return (event: string | symbol, listener: Listener) => {
          listeners.push({ method: prop, event, listener });
          (instance as unknown as Record<string, (e: string | symbol, l: Listener) => unknown>)[prop]!(event, listener);
          return stand;
        };
      }
      if (typeof prop === 'string' && REMOVER_METHODS.has(prop)) {
        return (event: string | symbol, listener: Listener) => {
          const at = listeners.findIndex((l) => l.event === event && l.listener === listener);
          if (at >= 0) listeners.splice(at, 1);
          (instance as unknown as { removeListener(e: string | symbol, l: Listener): unknown }).removeListener(event, listener);
          return stand;
        };
      }
      if (prop === 'use') {
        return (fn: unknown) => {
          middleware.push(fn);
          (instance as unknown as { use(fn: unknown): unknown }).use(fn);
          return stand;
        };
      }
      const descriptor = descriptorOf(instance, prop);
      // Accessors (the models, `app`, `issuer`) run on the instance itself: its private fields need it as `this`.
      const value: unknown = descriptor?.get ? descriptor.get.call(instance) : Reflect.get(instance, prop, instance);
      return descriptor && 'value' in descriptor && typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(instance) : value;
    },
    set(_target, prop, value) {
      assigned.set(prop, value);
      return Reflect.set(current, prop, value, current);
    },
    has(_target, prop) {
      return Reflect.has(current, prop);
    },
  });

  return {
    provider: stand,
    rotate(keys) {
      const next = build(keys);
      for (const { method, event, listener } of listeners) (next as unknown as Record<string, (e: string | symbol, l: Listener) => unknown>)[method]!(event, listener);
      for (const fn of middleware) (next as unknown as { use(fn: unknown): unknown }).use(fn);
      for (const [prop, value] of assigned) Reflect.set(next, prop, value, next);
      current = next;
      currentKeys = keys;
    },
    keyIds: () => currentKeys.jwks.keys.map((key) => key.kid),
  };
}

export interface KeyWatchOptions {
  /** The keys file (LARDER_STORAGE/signing-keys.json); keys from LARDER_SIGNING_KEYS are read only at start. */
  file: string;
  intervalMs: number;
  /** Reads and checks the keys (loadProviderKeys): throws on a bad file. */
  load: () => ProviderKeys;
  log: { info(object: object, message: string): void; error(object: object, message: string): void };
}

/**
 * Looks at the keys file every `intervalMs` (a stat; the file is read only when it
 * changed) and rotates when its key ids differ from the ones in use. A file that cannot
 * be read or parsed is logged and left alone: the keys in use keep working.
 * Returns a function that stops watching.
 */
export function watchKeysFile(rotation: RotatingProvider, options: KeyWatchOptions): () => void {
  // Unset at first: the first look reads the file once, in case it changed since start.
  let seen: string | undefined;
  let busy = false;
  const fingerprint = async (): Promise<string | undefined> => {
    try {
      const info = await stat(options.file);
      return `${info.ino}:${info.size}:${info.mtimeMs}`;
    } catch {
      return undefined;
    }
  };
  const check = async (): Promise<void> => {
    const now = await fingerprint();
    if (now === undefined || now === seen) return;
    try {
      const keys = options.load();
      seen = now;
      const ids = keys.jwks.keys.map((key) => key.kid);
      if (ids.join(' ') === rotation.keyIds().join(' ')) return;
      rotation.rotate(keys);
      options.log.info({ kid: ids[0], kept: ids.slice(1) }, 'signing keys rotated: serving the new key');
    } catch (error) {
      // Half-written or broken: keep the keys in use, and look again when the file changes.
      seen = now;
      options.log.error({ err: error, file: options.file }, 'the signing keys file changed but cannot be used; the keys in use stay');
    }
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    check().finally(() => (busy = false));
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
