import { loadConfig, type Config } from '../config.js';
import { ConfigError, ImportError } from '../errors.js';
import { catalogCommands } from './catalog.js';
import { clientCommands } from './clients.js';
import { parseCommandArgs, UsageError, type CliOutput, type Command } from './command.js';
import { dbCommands } from './db.js';
import { gptCommands } from './gpt.js';
import { viewCommands } from './views.js';
import { keyCommands } from './keys.js';
import { tokenCommands } from './tokens.js';
import { userCommands } from './users.js';

/** Every command, in the order `larder --help` lists them. Each group lives in its own file. */
export const COMMANDS: Command[] = [...dbCommands, ...catalogCommands, ...userCommands, ...clientCommands, ...keyCommands, ...tokenCommands, ...gptCommands, ...viewCommands];

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: larder <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `larder <command> --help` for a command\'s options.',
    'Configuration comes from the environment and .env (see README).',
  ].join('\n');
}

/** Runs the CLI; returns the exit code instead of exiting so tests can call it in-process. */
export async function runCli(argv: string[], output: CliOutput, stdin: NodeJS.ReadableStream = process.stdin, environment: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    output.out(helpText());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    output.out('larder 0.1.0');
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const close = COMMANDS.filter((c) => c.name.split(':')[0] === name.split(':')[0]).map((c) => c.name);
    output.err(`larder: unknown command "${name}".${close.length ? ` Did you mean: ${close.join(', ')}?` : ''} Run \`larder --help\` for the list.`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    output.out(`${command.summary}\n\n${command.usage}`);
    return 0;
  }
  let config: Config | undefined;
  try {
    const args = parseCommandArgs(command, rest);
    return await command.run(args, {
      config: () => (config ??= loadConfig(environment)),
      output,
      stdin,
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
