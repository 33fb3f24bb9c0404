import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { ImportError } from '../../errors.js';
import type { ImportedFood } from '../model.js';
import { isGzip } from './byte-source.js';
import { readFdcJson } from './fdc-json.js';
import type { ImportOptions } from './progress.js';
import { isFoodDesName } from './sr28-files.js';
import { readSr28 } from './sr28.js';

export type FoodFileFormat = 'sr28' | 'fdc-json';

const WHAT_WORKS =
  'Larder imports an SR28 / SR Legacy ASCII release (its folder or FOOD_DES.txt) or a FoodData Central JSON download (SR Legacy, Foundation, Survey/FNDDS or Branded, unzipped; .gz is fine)';

/**
 * Which importer reads `input`, judged by content rather than by file extension:
 * a folder holding FOOD_DES.txt or a file named FOOD_DES.txt is SR28; a file whose
 * first non-blank character is "{" is FoodData Central JSON. Anything else gets an
 * error that says what would work.
 */
export async function detectFoodFormat(input: string): Promise<FoodFileFormat> {
  const label = path.basename(input);
  let info;
  try {
    info = await stat(input);
  } catch (err) {
    throw new ImportError(label, `cannot read ${input}: ${(err as Error).message}`);
  }
  if (info.isDirectory()) {
    if ((await readdir(input)).some((name) => isFoodDesName(name))) return 'sr28';
    throw new ImportError(label, `the folder has no FOOD_DES.txt. ${WHAT_WORKS}`);
  }
  if (isFoodDesName(input)) return 'sr28';
  const head = await readHead(input);
  const first = head.replace(/^\uFEFF/, '').trimStart();
  if (first.startsWith('{')) return 'fdc-json';
  if (/^~\d{5}~\^/.test(first)) {
    throw new ImportError(label, `this looks like one file of an SR28 release: name its folder or its FOOD_DES.txt instead`);
  }
  if (head.startsWith('PK')) throw new ImportError(label, `this is a zip archive: unzip it first. ${WHAT_WORKS}`);
  if (/^"?fdc_id"?,/.test(first)) {
    throw new ImportError(label, `FoodData Central CSV downloads are not supported: use the JSON download. ${WHAT_WORKS}`);
  }
  throw new ImportError(label, `not a food file Larder recognises. ${WHAT_WORKS}`);
}

/** The first few kilobytes as text (gunzipped when the file is gzip). */
async function readHead(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const bytes = buffer.subarray(0, bytesRead);
    if (!(await isGzip(file))) return bytes.toString('latin1');
    return await new Promise<string>((resolve) => {
      const gunzip = createGunzip();
      let text = '';
      gunzip.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      // A 4 KB slice of a .gz always ends "early": whatever came out is enough to judge.
      gunzip.on('error', () => resolve(text));
      gunzip.on('end', () => resolve(text));
      gunzip.end(bytes);
    });
  } finally {
    await handle.close();
  }
}

/**
 * Every food in `input`, whichever supported format it is in. SR28 is read and
 * checked whole before the first food comes out; FDC JSON streams, so an error can
 * follow foods already yielded: import inside one transaction and roll back when
 * the iteration throws.
 */
export async function* readFoodFile(input: string, options: ImportOptions = {}): AsyncGenerator<ImportedFood> {
  const format = await detectFoodFormat(input);
  if (format === 'sr28') yield* await readSr28(input, options);
  else yield* readFdcJson(input, options);
}
