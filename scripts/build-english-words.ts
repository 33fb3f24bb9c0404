/**
 * Builds data/english-words.txt.gz, the common English words the search uses to tell a word
 * of its own from a misspelling ("trifle" is not "triple" mistyped): SCOWL's english-words
 * lists of levels 10 to 50 (the spellings every variety of English shares, no American or
 * British variant), lower-case words of 5 letters or more, one a line, sorted.
 *
 *   npm run build && node dist/scripts/build-english-words.js [SCOWL_FOLDER]
 *
 * SCOWL_FOLDER holds the lists (Debian's `scowl` package installs them in
 * /usr/share/dict/scowl, the default). The output is deterministic; its licence, SCOWL's,
 * is data/english-words.COPYRIGHT. Larder only ever reads the output.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { englishWordsFile } from '../src/catalog/search/english.js';

const LEVELS = [10, 20, 35, 40, 50];
const args = process.argv.slice(2);
if (args.includes('--help') || args.length > 1) {
  console.error('usage: node dist/scripts/build-english-words.js [SCOWL_FOLDER]   (default /usr/share/dict/scowl)');
  process.exit(args.includes('--help') ? 0 : 2);
}
const folder = path.resolve(args[0] ?? '/usr/share/dict/scowl');
const words = new Set<string>();
for (const level of LEVELS) {
  // SCOWL's lists are Latin-1; words with accents or capitals are left out.
  for (const line of readFileSync(path.join(folder, `english-words.${level}`), 'latin1').split('\n')) {
    const word = line.trim();
    if (/^[a-z]{5,}$/.test(word)) words.add(word);
  }
}
const text = `${[...words].sort().join('\n')}\n`;
const output = englishWordsFile();
writeFileSync(output, gzipSync(text, { level: 9 }));
console.log(`${output}: ${words.size} words`);
