import { Readable } from 'node:stream';

/** A terminal we can switch to raw mode (process.stdin when it is a TTY). */
export interface TerminalInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

/** The option that makes a command read a secret from standard input, and what to ask for. */
const SECRET_FLAGS: Record<string, string> = {
  '--password-stdin': 'Password: ',
  '--client-secret-stdin': 'Client secret: ',
};

export function isTerminal(input: TerminalInput): boolean {
  return input.isTTY === true && typeof input.setRawMode === 'function';
}

/** The prompt for the first `*-stdin` secret option among the arguments, if any. */
export function secretPromptFor(argv: string[]): string | undefined {
  const flag = argv.find((arg) => Object.hasOwn(SECRET_FLAGS, arg));
  return flag === undefined ? undefined : SECRET_FLAGS[flag];
}

/**
 * Reads one line from a terminal without echoing it, as `sudo` and `ssh` do: the
 * terminal is put in raw mode, so typed characters never appear on screen or in a
 * screen recording. The stream yields the line (with a line break, as `echo` would give
 * it) and ends, so commands read it exactly as they read a pipe.
 */
export function promptWithoutEcho(input: TerminalInput, output: NodeJS.WritableStream, prompt: string): Readable {
  let started = false;
  let line = '';
  const stream = new Readable({
    read() {
      if (started) return;
      started = true;
      // Echo off before the prompt shows: whatever is typed once it is visible stays hidden.
      input.setRawMode!(true);
      output.write(prompt);
      input.setEncoding('utf8');
      input.on('data', onData);
      input.resume();
    },
  });
  const finish = (error?: Error): void => {
    input.removeListener('data', onData);
    input.setRawMode!(false);
    input.pause();
    output.write('\n');
    if (error) {
      stream.destroy(error);
      return;
    }
    stream.push(`${line}\n`);
    stream.push(null);
  };
  function onData(chunk: string | Buffer): void {
    for (const character of String(chunk)) {
      if (character === '\r' || character === '\n') return finish();
      if (character === '\u0003') return finish(new Error('cancelled (Ctrl-C)'));
      if (character === '\u0004') {
        if (line === '') return finish(new Error('no input (Ctrl-D)'));
        return finish();
      }
      if (character === '\u007f' || character === '\b') line = [...line].slice(0, -1).join('');
      else if (character === '\u0015') line = '';
      else if (character >= ' ') line += character;
    }
  }
  return stream;
}
