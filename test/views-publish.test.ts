import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../src/cli/main.js';
import { DEFAULT_VIEWS_DIR } from '../src/views/render.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'larder-publish-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

async function larder(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), isTerminal: false }, process.stdin, { NODE_ENV: 'test', ...env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('views:publish copies every default template to LARDER_VIEWS, and never overwrites edits without --force', async () => {
  const target = path.join(scratch, 'mine');
  const first = await larder(['views:publish'], { LARDER_VIEWS: target });
  assert.equal(first.code, 0, first.err);
  for (const name of ['layout.eta', 'login.eta', 'consent.eta', 'food.eta', path.join('assets', 'larder.css')]) {
    assert.equal(readFileSync(path.join(target, name), 'utf8'), readFileSync(path.join(DEFAULT_VIEWS_DIR, name), 'utf8'), name);
  }
  writeFileSync(path.join(target, 'login.eta'), 'edited');
  const again = await larder(['views:publish', '--to', target]);
  assert.equal(again.code, 1);
  assert.match(again.err, /--force/);
  assert.equal(readFileSync(path.join(target, 'login.eta'), 'utf8'), 'edited');
  const forced = await larder(['views:publish', '--to', target, '--force']);
  assert.equal(forced.code, 0);
  assert.notEqual(readFileSync(path.join(target, 'login.eta'), 'utf8'), 'edited');
  assert.ok(existsSync(path.join(target, 'consent.eta')));
});
