import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getMeOperation } from '../../src/accounts/me.js';
import { OPERATION_IDS, type Operation } from '../../src/api/operation.js';
import { getFoodOperation, searchFoodsOperation } from '../../src/catalog/operations.js';
import { runCli } from '../../src/cli/main.js';
import { addDiaryEntryOperation, deleteDiaryEntryOperation, listDiaryEntriesOperation } from '../../src/diary/operations.js';
import { getDiarySummaryOperation } from '../../src/diary/summary.js';
import { DEFAULT_CLIENT_SCOPES, LARDER_SCOPES, SCOPE_DESCRIPTIONS } from '../../src/oauth/scopes.js';
import { Visitor } from '../accounts/visitor.js';
import { repoRoot } from '../helpers/paths.js';
import { GPT_CALLBACK, PASSWORD, authorizeUrl, followAuthorization, startOAuthTestServer, type OAuthTestServer } from './oauth-helpers.js';

const OPERATIONS: Operation[] = [
  searchFoodsOperation,
  getFoodOperation,
  getMeOperation,
  addDiaryEntryOperation,
  listDiaryEntriesOperation,
  getDiarySummaryOperation,
  deleteDiaryEntryOperation,
];

/** src/oauth/scopes.ts is the one list of scopes; every other place derives from it. */
describe('one list of scopes', () => {
  let server: OAuthTestServer;
  before(async () => {
    server = await startOAuthTestServer();
  });
  after(() => server.close());

  const json = async (path: string) => (await (await fetch(`${server.baseUrl}${path}`)).json()) as Record<string, unknown>;

  test('RFC 8414 discovery lists exactly these scopes', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      assert.deepEqual((await json(path)).scopes_supported, LARDER_SCOPES, path);
    }
  });

  test('RFC 9728 protected resource metadata lists exactly these scopes', async () => {
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/api']) {
      assert.deepEqual((await json(path)).scopes_supported, LARDER_SCOPES, path);
    }
  });

  test('the OpenAPI security scheme has these scopes with the consent words, and each operation its own', async () => {
    const doc = (await json('/openapi.json')) as {
      paths: Record<string, Record<string, { operationId: string; security: Array<{ oauth2: string[] }> }>>;
      components: { securitySchemes: { oauth2: { flows: { authorizationCode: { scopes: Record<string, string> } } } } };
    };
    assert.deepEqual(doc.components.securitySchemes.oauth2.flows.authorizationCode.scopes, SCOPE_DESCRIPTIONS);
    const documented = Object.values(doc.paths).flatMap((methods) => Object.values(methods));
    for (const operation of OPERATIONS) {
      const found = documented.find((op) => op.operationId === operation.id);
      assert.ok(found, operation.id);
      assert.deepEqual(found.security, [{ oauth2: [...operation.scopes] }], operation.id);
    }
  });

  test('every operation is listed once and asks only for known scopes', () => {
    assert.deepEqual(OPERATIONS.map((op) => op.id).sort(), [...OPERATION_IDS].sort());
    for (const operation of OPERATIONS) for (const scope of operation.scopes) assert.ok(LARDER_SCOPES.includes(scope), `${operation.id}: ${scope}`);
  });

  test('the consent page explains every scope, in the list order, in its words', async () => {
    const { client } = await server.createClient({ name: 'Everything app', scopes: [...LARDER_SCOPES] });
    const visitor = new Visitor(server.baseUrl);
    const outcome = await followAuthorization(visitor, authorizeUrl({ response_type: 'code', client_id: client.clientId, redirect_uri: GPT_CALLBACK, state: 's', scope: '' }), {
      login: { email: server.user.email, password: PASSWORD },
    });
    const page = outcome.page?.body ?? '';
    const positions = LARDER_SCOPES.map((scope) => page.indexOf(`${SCOPE_DESCRIPTIONS[scope]} <span class="meta">(${scope})</span>`));
    assert.ok(positions.every((p) => p >= 0), `consent page misses a scope: ${positions.join(', ')}`);
    assert.deepEqual([...positions].sort((a, b) => a - b), positions, 'in the list order');
  });

  test('CLI help names every scope and the default', async () => {
    let out = '';
    const code = await runCli(['clients:create', '--help'], { out: (t) => (out += `${t}\n`), err: () => undefined, isTerminal: false }, process.stdin, {});
    assert.equal(code, 0);
    assert.ok(out.includes(`one or more of: ${LARDER_SCOPES.join(' ')}`), out);
    assert.ok(out.includes(`(default: ${DEFAULT_CLIENT_SCOPES.join(' ')})`), out);
  });

  test('no source file but scopes.ts writes out a list of scopes by hand', () => {
    const copies: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts') && !file.endsWith(path.join('oauth', 'scopes.ts'))) {
          readFileSync(file, 'utf8')
            .split('\n')
            .forEach((line, index) => {
              const named = LARDER_SCOPES.filter((scope) => line.includes(scope));
              if (named.length >= 2) copies.push(`${path.relative(repoRoot, file)}:${index + 1}: ${line.trim()}`);
            });
        }
      }
    };
    walk(path.join(repoRoot, 'src'));
    assert.deepEqual(copies, [], 'derive these from LARDER_SCOPES instead');
  });
});
