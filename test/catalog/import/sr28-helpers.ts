import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** One NUT_DATA.txt row (18 fields): NDB_No, Nutr_No, Nutr_Val, then statistics left empty. */
export function nutRow(ndbNo: string, nutrNo: string, value: string): string {
  return [`~${ndbNo}~`, `~${nutrNo}~`, value, '0', '', '~4~', '~NC~', ...Array<string>(11).fill('')].join('^');
}

/** One WEIGHT.txt row (7 fields): NDB_No, Seq, Amount, Msre_Desc, Gm_Wgt, Num_Data_Pts, Std_Dev. */
export function weightRow(ndbNo: string, seq: number, amount: string, measure: string, grams: string): string {
  return [`~${ndbNo}~`, String(seq), amount, `~${measure}~`, grams, '', ''].join('^');
}

/** The lines of a tiny SR28 release, in the real files' format; tests override one file to break it. */
export const MINI_RELEASE = {
  'FD_GROUP.txt': ['~0100~^~Dairy and Egg Products~', '~0900~^~Fruits and Fruit Juices~'],
  'FOOD_DES.txt': [
    '~01001~^~0100~^~Butter, salted~^~BUTTER,WITH SALT~^^^~Y~^^0^^6.38^4.27^8.79^3.87',
    '~01015~^~0100~^~Crème fraîche~^~CREME FRAICHE~^~sour cream~^~Laiterie Exemple~^^^0^^6.38^4.27^8.79^3.87',
    '~09040~^~0900~^~Bananas, raw~^~BANANAS,RAW~^^^~Y~^~Skin~^36^~Musa acuminata Colla~^6.25^3.36^8.37^3.60',
  ],
  'NUT_DATA.txt': [
    nutRow('01001', '203', '0.85'),
    nutRow('01001', '208', '717'),
    nutRow('01015', '208', '393'),
    nutRow('09040', '268', '371'),
    nutRow('09040', '208', '89'),
    nutRow('09040', '306', '358'),
    nutRow('09040', '999', '1.5'),
  ],
  'WEIGHT.txt': [
    weightRow('01001', 1, '1', 'pat (1" sq, 1/3" high)', '5.0'),
    weightRow('01001', 3, '.5', 'cup', '113.5'),
    weightRow('01001', 2, '1', 'tbsp', '14.2'),
    weightRow('09040', 1, '1', 'cup, sliced', '150'),
  ],
};

export type ReleaseFile = keyof typeof MINI_RELEASE;

/**
 * Writes the mini release to a new folder under the OS temp dir (never the repo),
 * in Latin-1 with CRLF line ends and no final line end, like USDA's files.
 * `override` replaces whole files; `gzip` stores those files as NAME.gz.
 */
export async function writeRelease(
  override: Partial<Record<ReleaseFile, string[] | Buffer | null>> = {},
  gzip: ReleaseFile[] = [],
): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'larder-sr28-'));
  for (const name of Object.keys(MINI_RELEASE) as ReleaseFile[]) {
    const content = name in override ? override[name] : MINI_RELEASE[name];
    if (content === null || content === undefined) continue;
    const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content.join('\r\n'), 'latin1');
    if (gzip.includes(name)) await writeFile(path.join(dir, `${name}.gz`), gzipSync(bytes));
    else await writeFile(path.join(dir, name), bytes);
  }
  return dir;
}
