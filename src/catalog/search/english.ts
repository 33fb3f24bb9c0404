import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { packageRoot } from '../bundled.js';

/** Where the word list is: data/english-words.txt.gz in this package (scripts/build-english-words.ts makes it). */
export const englishWordsFile = (): string =>
  path.join(packageRoot(), 'data', 'english-words.txt.gz');

let loaded: ReadonlySet<string> | undefined;

/**
 * Common English words of 5 letters or more, spelt as every variety of English spells them
 * (SCOWL, levels 10-50): read once, on first use (about 57,000 words).
 */
export function commonEnglishWords(): ReadonlySet<string> {
  loaded ??= new Set(gunzipSync(readFileSync(englishWordsFile())).toString('latin1').split('\n').filter((w) => w !== ''));
  return loaded;
}
