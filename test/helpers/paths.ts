import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whether a test runs from test/ (source) or dist/test/ (compiled). */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the test file');
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRoot();
/** Real USDA data beside the repository (../shared/data); never copied into it. */
export const sharedDataDir = process.env.LARDER_SHARED_DATA ?? path.resolve(repoRoot, '..', 'shared', 'data');
export const sr28Dir = path.join(sharedDataDir, 'usda-sr28');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
