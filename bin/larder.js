#!/usr/bin/env node
// The `larder` command. The TypeScript sources are compiled to dist/ by `npm install` (prepare).
// Node's compile cache first (as for `npm start`, src/main.ts), then the CLI's modules.
import { enableCompileCache } from 'node:module';

enableCompileCache();
const { runCli } = await import('../dist/src/cli/main.js');

const output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  isTerminal: Boolean(process.stderr.isTTY),
};
process.exitCode = await runCli(process.argv.slice(2), output);
