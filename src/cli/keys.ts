import { generateSigningKeys, parseJwks } from '../oauth/keys.js';
import type { Command } from './command.js';

export const keyCommands: Command[] = [
  {
    name: 'keys:generate',
    summary: 'Create the signing keys (the server also creates them on first start); --force rotates them',
    usage: [
      'Usage: larder keys:generate [--force] [--json]',
      '',
      '  --force  rotate: a new key signs from now on; the previous ones (up to two) stay for verification',
      '  --json   print {"file", "kid", "kept", "source", "running_servers"} as JSON',
      '',
      'Writes LARDER_STORAGE/signing-keys.json (mode 0600). Running servers that read this file serve',
      'the new key on /oauth/jwks within LARDER_KEYS_POLL_MS (15 s by default), without a restart.',
      'With LARDER_SIGNING_KEYS set, servers read their keys only at start: the rotated set is written',
      'to the file for you to put in LARDER_SIGNING_KEYS, followed by a rolling restart.',
    ].join('\n'),
    options: { force: { type: 'boolean' }, json: { type: 'boolean' } },
    async run({ values }, context) {
      const config = context.config();
      const fromEnvironment = config.signingKeys !== undefined;
      const previous = fromEnvironment ? parseJwks(config.signingKeys!, 'LARDER_SIGNING_KEYS').keys : undefined;
      const result = generateSigningKeys(config.storageDir, { force: values.force === true, ...(previous ? { previous } : {}) });
      const seconds = Math.ceil(config.keysPollMs / 1000);
      const runningServers = fromEnvironment
        ? `LARDER_SIGNING_KEYS is set, and servers read it only when they start. Put the content of ${result.file} in LARDER_SIGNING_KEYS on every instance, restart them one at a time (a rolling restart: the kept keys let tokens and sign-ins in progress carry over), then delete ${result.file}.`
        : `Running servers that read ${result.file} serve the new key on /oauth/jwks within ${seconds} s, without a restart. Instances on other machines need this file copied to their LARDER_STORAGE (they then pick it up by themselves).`;
      const kept = result.kept.length ? ` Kept for verification: ${result.kept.join(', ')}.` : '';
      if (values.json) context.output.out(JSON.stringify({ ...result, source: fromEnvironment ? 'environment' : 'file', running_servers: runningServers }));
      else context.output.out(`Wrote a new signing key (kid ${result.kid}) to ${result.file}.${kept}\n${runningServers}`);
      return 0;
    },
  },
];
