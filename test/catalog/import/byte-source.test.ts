import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { openByteSource } from '../../../src/catalog/import/byte-source.js';
import { streamTopLevelArray } from '../../../src/catalog/import/json-array-stream.js';
import { readLatin1Lines } from '../../../src/catalog/import/lines.js';
import { ImportError } from '../../../src/errors.js';
import { tempFile } from './temp-file.js';

/** A gzip download cut off in the middle: gunzip fails once the bytes run out. */
function truncatedGzip(text: string): Buffer {
  const whole = gzipSync(Buffer.from(text, 'latin1'));
  return whole.subarray(0, Math.floor(whole.length * 0.6));
}

test('a read error in a text file is an ImportError at the line the reader reached', async () => {
  const lines = Array.from({ length: 20_000 }, (_, i) => `~${String(i).padStart(5, '0')}~^~Food ${i}~`).join('\n');
  const source = await openByteSource(await tempFile('FOOD_DES.txt.gz', truncatedGzip(lines)));
  let read = 0;
  await assert.rejects(
    async () => {
      for await (const batch of readLatin1Lines(source)) read += batch.length;
    },
    (error: unknown) => {
      assert.ok(error instanceof ImportError, String(error));
      assert.equal(error.location, `FOOD_DES.txt.gz:${read + 1}`);
      return true;
    },
  );
});

test('a read error in a JSON download is an ImportError at the byte the reader reached', async () => {
  const foods = JSON.stringify({ FoundationFoods: Array.from({ length: 5000 }, (_, i) => ({ fdcId: i, description: `Food ${i}`, foodNutrients: [] })) });
  const source = await openByteSource(await tempFile('foundation.json.gz', truncatedGzip(foods)));
  await assert.rejects(
    async () => {
      for await (const element of streamTopLevelArray(source, { acceptKey: () => undefined })) assert.ok(element);
    },
    (error: unknown) => {
      assert.ok(error instanceof ImportError, String(error));
      assert.match(error.location, /^foundation\.json\.gz: byte \d+$/);
      return true;
    },
  );
});
