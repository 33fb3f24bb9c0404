import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ByteSource } from '../../../src/catalog/import/byte-source.js';
import { streamTopLevelArray, type ArrayElement } from '../../../src/catalog/import/json-array-stream.js';

/** A source that hands out the text `size` bytes at a time, to cut tokens at every possible place. */
function chunkedSource(text: string, size: number): ByteSource {
  const bytes = Buffer.from(text, 'utf8');
  let read = 0;
  return {
    label: 'mem.json',
    size: bytes.length,
    bytesRead: () => read,
    async *chunks() {
      for (let i = 0; i < bytes.length; i += size) {
        read = Math.min(i + size, bytes.length);
        yield bytes.subarray(i, i + size);
      }
    },
  };
}

async function elements(text: string, size: number): Promise<{ key: string; items: ArrayElement[] }> {
  let key = '';
  const items: ArrayElement[] = [];
  for await (const item of streamTopLevelArray(chunkedSource(text, size), { acceptKey: (k) => (key = k) })) items.push(item);
  return { key, items };
}

test('elements come out whole however the file is cut into chunks', async () => {
  const records = [
    { fdcId: 1, description: 'Brackets in strings: } ] { [ and "quotes" and \\ backslashes', nested: { a: [1, [2, { b: 3 }]] } },
    { fdcId: 2, description: 'Crème brûlée, 食品, emoji 🍌', empty: {}, list: [] },
    { fdcId: 3, description: 'escaped unicode \u00e9 \n newline' },
  ];
  const text = `\uFEFF {\n  "Ke\\"y" :\r\n [ ${records.map((r) => JSON.stringify(r, null, 1)).join(' ,\n')} ]\n}\n`;
  for (const size of [1, 2, 3, 7, 64, 100_000]) {
    const { key, items } = await elements(text, size);
    assert.equal(key, 'Ke"y', `chunk size ${size}`);
    assert.deepEqual(
      items.map((i) => i.value),
      records,
      `chunk size ${size}`,
    );
    assert.deepEqual(
      items.map((i) => i.record),
      [1, 2, 3],
    );
    const bytes = Buffer.from(text, 'utf8');
    for (const item of items) assert.equal(bytes[item.offset], '{'.charCodeAt(0), 'offset points at the record');
  }
});

test('structure errors name the byte', async () => {
  const cases: Array<[string, RegExp]> = [
    ['[1, 2]', /byte 0: expected a JSON object/],
    ['{"K": {}}', /byte 6: expected an array/],
    ['{"K" [] }', /byte 5: expected ":"/],
    ['{"K": [], "L": []}', /byte 8: expected "}" closing the file: only one food list/],
    ['{"K": [{}] } x', /byte 13: expected the end of the file/],
    ['{"K": [{},]}', /byte 10: expected a food object/],
    ['{"K": [7]}', /byte 7: expected a food object "\{" or "\]", found "7"/],
  ];
  for (const [text, pattern] of cases) {
    await assert.rejects(elements(text, 3), (err: Error) => {
      assert.match(err.message, pattern, text);
      return true;
    });
  }
});
