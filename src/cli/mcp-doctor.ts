import type { DoctorStep } from '../gpt/doctor.js';
import { cleanUpPerson, createThrowawayPerson, type DoctorPerson } from '../gpt/doctor-person.js';
import { runMcpDoctor } from '../mcp/doctor.js';
import { deleteClient } from '../oauth/clients.js';
import { UsageError, type Command, type CommandContext } from './command.js';
import { withDatabase } from './database.js';
import { parseBaseUrl } from './base-url.js';

type Values = Parameters<Command['run']>[0]['values'];

const STATUS_MARK: Record<DoctorStep['status'], string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skipped: 'skip' };

export const MCP_DOCTOR_USAGE = [
  '       larder doctor --mcp (--create-test-user | --email EMAIL (--password P | --password-stdin)) [--url URL] [--json]',
  '',
  '  --mcp                  check the MCP sign-in instead: the 401 of /mcp, resource and server metadata,',
  '                         dynamic registration, PKCE, log-in and consent through the real pages, the',
  '                         token for /mcp, initialize, tools/list, search_foods, the audience, a refresh',
];

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

/**
 * `larder doctor --mcp`: runs the MCP sign-in as an MCP client would (src/mcp/doctor.ts)
 * and prints each step. With database access it cleans up after itself: the client it
 * registered (with its grants and tokens) and, with --create-test-user, the person.
 */
export async function runMcpDoctorCommand(values: Values, context: CommandContext): Promise<number> {
  const createTestUser = values['create-test-user'] === true;
  if (!createTestUser && typeof values.email !== 'string') throw new UsageError('give --email with --password (or --password-stdin), or --create-test-user');
  if (values['client-id'] !== undefined || values['client-secret'] !== undefined || values['client-secret-stdin'] !== undefined) {
    throw new UsageError('--mcp registers its own client the way MCP clients do: leave out --client-id and --client-secret');
  }
  const config = context.config();
  const url = typeof values.url === 'string' ? parseBaseUrl(values.url) : config.appUrl;
  let email = typeof values.email === 'string' ? values.email : '';
  let password = values['password-stdin'] ? await readAll(context.stdin) : typeof values.password === 'string' ? values.password : '';
  let throwaway: DoctorPerson | undefined;
  if (createTestUser) {
    try {
      throwaway = await withDatabase(context, (db) => createThrowawayPerson(db));
      ({ email, password } = throwaway);
    } catch (error) {
      throw new Error(`--create-test-user needs the server's database (DATABASE_URL): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (!password) throw new UsageError('--password or --password-stdin is required with --email');

  if (!values.json) context.output.out(`Checking the MCP sign-in at ${url}/mcp as ${email}\n`);
  const { steps, clientId } = await runMcpDoctor({ url, email, password }, (step) => {
    if (values.json) return;
    context.output.out(`${STATUS_MARK[step.status]}  ${step.name}: ${step.detail}`);
    if (step.fix) context.output.out(`      fix: ${step.fix}`);
  });

  // Leave nothing behind where the database is at hand (a remote Larder prunes the client after 30 days).
  let cleanedUp = false;
  try {
    await withDatabase(context, async (db) => {
      // Deleting the client revokes every grant and token the run made; then the throwaway person goes.
      if (clientId) await deleteClient(db, clientId);
      if (throwaway) await cleanUpPerson(db, throwaway, clientId ?? '');
    });
    cleanedUp = true;
  } catch {
    cleanedUp = false;
  }

  const ok = steps.every((s) => s.status === 'ok' || s.status === 'warn');
  if (values.json) context.output.out(JSON.stringify({ ok, url, mcp_url: `${url}/mcp`, client_id: clientId ?? null, cleaned_up: cleanedUp, steps }, null, 2));
  else context.output.out(ok ? '\nAll steps passed: MCP clients (Claude, ChatGPT, VS Code, Cursor) can sign people in.' : '\nSome steps failed: fix them and run larder doctor --mcp again.');
  return ok ? 0 : 1;
}
