import { loadConfig, type Config } from '../config.js';
import { ConfigError, ImportError } from '../errors.js';
import { LARDER_VERSION } from '../version.js';
import { catalogCommands } from './catalog.js';
import { clientCommands } from './clients.js';
import { parseCommandArgs, UsageError, type CliOutput, type Command } from './command.js';
import { dbCommands } from './db.js';
import { gptCommands } from './gpt.js';
import { viewCommands } from './views.js';
import { keyCommands } from './keys.js';
import { statsCommands } from './stats.js';
import { tokenCommands } from './tokens.js';
import { isTerminal, promptWithoutEcho, secretPromptFor, type TerminalInput } from './terminal-secret.js';
import { userCommands } from './users.js';
import { personalDataCommands } from './personal-data.js';

/** Every command, in the order `larder --help` lists them. Each group lives in its own file. */
export const COMMANDS: Command[] = [...dbCommands, ...catalogCommands, ...userCommands, ...personalDataCommands, ...clientCommands, ...keyCommands, ...tokenCommands, ...statsCommands, ...gptCommands, ...viewCommands];

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: larder <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `larder help <command>` (or `larder <command> --help`) for a command\'s options.',
    'Configuration comes from the environment and .env (see README).',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return `${command.summary}\n\n${command.usage}`;
}

/** "Did you mean" candidates: commands of the same group (`clients:lsit` -> clients:*). */
function unknownCommand(name: string): string {
  const close = COMMANDS.filter((c) => c.name.split(':')[0] === name.split(':')[0]).map((c) => c.name);
  return `larder: unknown command "${name}".${close.length ? ` Did you mean: ${close.join(', ')}?` : ''} Run \`larder help\` for the list.`;
}

/** Runs the CLI; returns the exit code instead of exiting so tests can call it in-process. */
export async function runCli(argv: string[], output: CliOutput, stdin: TerminalInput = process.stdin, environment: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    // Called without a command: a usage mistake, so the help goes to stderr.
    output.err(helpText());
    return 2;
  }
  if (name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    output.out(helpText());
    return 0;
  }
  if (name === 'help') {
    const wanted = COMMANDS.find((c) => c.name === rest[0]);
    if (!wanted || rest.length > 1) {
      output.err(wanted ? 'larder help takes one command name, such as: larder help doctor' : unknownCommand(rest[0]!));
      return 2;
    }
    output.out(commandHelp(wanted));
    return 0;
  }
  if (name === '--version' || name === '-v') {
    output.out(`larder ${LARDER_VERSION}`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    output.err(unknownCommand(name));
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    output.out(commandHelp(command));
    return 0;
  }
  // `--password-stdin` typed at a terminal: ask for it, without echo (a pipe is read as is).
  const prompt = secretPromptFor(rest);
  const input = prompt !== undefined && isTerminal(stdin) ? promptWithoutEcho(stdin, process.stderr, prompt) : stdin;
  let config: Config | undefined;
  try {
    const args = parseCommandArgs(command, rest);
    return await command.run(args, {
      config: () => (config ??= loadConfig(environment)),
      output,
      stdin: input,
      environment,
    });
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`larder ${command.name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof ImportError) {
      output.err(`larder ${command.name}: ${error.message}`);
      return 1;
    }
    output.err(`larder ${command.name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
