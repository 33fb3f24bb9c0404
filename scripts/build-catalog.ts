/**
 * Builds the bundled catalog, data/sr28.json.gz, from USDA's SR28 ASCII release
 * (FOOD_DES, FD_GROUP, NUT_DATA (or NUT_DATA.txt.gz), WEIGHT; Latin-1, `^`/`~`).
 *
 *   npm run build && node dist/scripts/build-catalog.js [RELEASE_FOLDER]
 *
 * RELEASE_FOLDER defaults to $LARDER_SHARED_DATA/usda-sr28, else ../shared/data/usda-sr28. The release is read with the
 * same reader `larder catalog:import` uses, so every line is checked; the output is
 * deterministic (same release, same bytes). Larder itself only ever reads the output.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { BUNDLED_DATASET, bundleFilePath } from '../src/catalog/bundled.js';
import { encodeBundle } from '../src/catalog/bundle-format.js';
import { readSr28 } from '../src/catalog/import/sr28.js';

const SOURCE =
  'USDA Agricultural Research Service, National Nutrient Database for Standard Reference, Release 28 (2015, revised 2016), ' +
  'ASCII release: FOOD_DES, FD_GROUP, NUT_DATA, WEIGHT. Public domain.';

const args = process.argv.slice(2);
if (args.includes('--help') || args.length > 1) {
  console.error('usage: node dist/scripts/build-catalog.js [SR28_RELEASE_FOLDER]   (default ../shared/data/usda-sr28)');
  process.exit(args.includes('--help') ? 0 : 2);
}
const output = bundleFilePath();
const repoRoot = path.dirname(path.dirname(output));
const sharedData = process.env.LARDER_SHARED_DATA ?? path.join(repoRoot, '..', 'shared', 'data');
const input = path.resolve(args[0] ?? path.join(sharedData, 'usda-sr28'));

try {
  const foods = await readSr28(input);
  const bundle = encodeBundle(foods, BUNDLED_DATASET, SOURCE);
  const bytes = gzipSync(JSON.stringify(bundle), { level: 9 });
  writeFileSync(output, bytes);
  const portions = foods.reduce((n, f) => n + f.portions.length, 0);
  const values = foods.reduce((n, f) => n + Object.keys(f.nutrients).length, 0);
  console.log(`${output}: ${foods.length} foods, ${bundle.nutrients.length} nutrients (${values} values), ${portions} portions, ${(bytes.length / 1e6).toFixed(2)} MB`);
} catch (error) {
  console.error((error as Error).message); // an ImportError names the file and line
  process.exit(1);
}
