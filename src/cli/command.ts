import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Config } from '../config.js';

/** What a command may print to; tests capture both. */
export interface CliOutput {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  isTerminal: boolean;
}

export interface CommandContext {
  /** The configuration, loaded lazily: `--help` works even with a broken environment. */
  config: () => Config;
  output: CliOutput;
  stdin: NodeJS.ReadableStream;
  /** The raw environment, for the rare command that must work before the configuration is valid. */
  environment: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  summary: string;
  /** Usage line(s) and option descriptions shown by `--help`. */
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  allowPositionals?: boolean;
  run(args: { values: Record<string, string | boolean | string[] | boolean[] | undefined>; positionals: string[] }, context: CommandContext): Promise<number>;
}

/** A mistake in how a command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Joins `--option VALUE` into `--option=VALUE` when VALUE starts with a dash but names no
 * option of the command. parseArgs refuses such values as "ambiguous", yet secrets are
 * base64url and one in 64 starts with "-" (`--client-secret -Xb…` must work).
 */
export function joinDashValues(command: Pick<Command, 'options'>, argv: string[]): string[] {
  const isOptionName = (token: string): boolean => {
    if (token === '--' || token === '-h' || token === '--help') return true;
    if (token.startsWith('--')) return Object.hasOwn(command.options, token.slice(2).split('=')[0]!);
    return Object.values(command.options).some((option) => option.short !== undefined && token === `-${option.short}`);
  };
  const joined: string[] = [];
  for (let at = 0; at < argv.length; at++) {
    const token = argv[at]!;
    if (token === '--') {
      joined.push(...argv.slice(at));
      break;
    }
    const next = argv[at + 1];
    const name = token.startsWith('--') && !token.includes('=') ? token.slice(2) : undefined;
    if (name !== undefined && command.options[name]?.type === 'string' && next !== undefined && next.startsWith('-') && next !== '-' && !isOptionName(next)) {
      joined.push(`${token}=${next}`);
      at++;
    } else {
      joined.push(token);
    }
  }
  return joined;
}

export function parseCommandArgs(command: Command, argv: string[]): Parameters<Command['run']>[0] {
  try {
    const parsed = parseArgs({
      args: joinDashValues(command, argv),
      options: command.options,
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
    return { values: parsed.values as Record<string, string | boolean | string[] | boolean[] | undefined>, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '.') : String(error));
  }
}

/** Formats rows as an aligned text table for people (scripts use --json). */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
