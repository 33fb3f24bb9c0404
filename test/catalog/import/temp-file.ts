import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

const tempDirs: string[] = [];
after(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

/** A new empty directory, deleted after the test file's tests. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'larder-import-'));
  removeAfterTests(dir);
  return dir;
}

/** Deletes `dir` (made by something else, such as writeRelease) after the test file's tests. */
export function removeAfterTests(dir: string): void {
  tempDirs.push(dir);
}

/** A file named `name` holding `content`, in a directory of its own that is deleted after the test file's tests. */
export async function tempFile(name: string, content: string | Buffer): Promise<string> {
  const dir = await tempDir();
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}
