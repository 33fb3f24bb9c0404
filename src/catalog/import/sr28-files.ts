import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ImportError } from '../../errors.js';

/** The SR28 / SR Legacy ASCII files Larder reads (NUTR_DEF is not needed: nutrients.ts mirrors it). */
export const SR28_FILES = ['FOOD_DES.txt', 'FD_GROUP.txt', 'NUT_DATA.txt', 'WEIGHT.txt'] as const;
export type Sr28FileName = (typeof SR28_FILES)[number];

/**
 * Where each SR28 file is. `input` is the folder of the release or its FOOD_DES.txt
 * (the other files are then looked for beside it): users name either after
 * unzipping. Names match case-insensitively (some unzip tools lower-case them) and
 * each file may be gzipped as NAME.gz (the release's NUT_DATA.txt is 36 MB).
 */
export async function locateSr28Files(input: string): Promise<Record<Sr28FileName, string>> {
  let dir = input;
  try {
    if (!(await stat(input)).isDirectory()) dir = path.dirname(input);
  } catch (err) {
    throw new ImportError(path.basename(input), `cannot read ${input}: ${(err as Error).message}`);
  }
  const entries = await readdir(dir);
  const byLowerName = new Map(entries.map((name) => [name.toLowerCase(), name]));
  const found = {} as Record<Sr28FileName, string>;
  for (const wanted of SR28_FILES) {
    const name = byLowerName.get(wanted.toLowerCase()) ?? byLowerName.get(`${wanted.toLowerCase()}.gz`);
    if (name === undefined) {
      throw new ImportError(wanted, `missing: an SR28 import needs ${SR28_FILES.join(', ')} in ${dir} (found no ${wanted} or ${wanted}.gz)`);
    }
    found[wanted] = path.join(dir, name);
  }
  return found;
}

/** Whether `file` is named like the SR28 FOOD_DES.txt (so detect.ts can route it here). */
export function isFoodDesName(file: string): boolean {
  return /^food_des\.txt(\.gz)?$/i.test(path.basename(file));
}
