import { readFileSync } from 'node:fs';

/** Larder's version, from package.json (the compiled dist/src/version.js is two folders below it). */
export const LARDER_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
