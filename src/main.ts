import { enableCompileCache } from 'node:module';

/**
 * `npm start`. Node's compile cache first (its own default folder under the system's
 * temporary directory, or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off):
 * the next start reads the compiled code of Larder and its dependencies instead of
 * compiling some 20 MB of JavaScript again. A folder that cannot be written (a read-only
 * file system) only leaves it off. The server's modules are imported after it, so that
 * they are what it caches.
 */
enableCompileCache();
await import('./serve.js');
