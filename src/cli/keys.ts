import { generateSigningKeys } from '../oauth/keys.js';
import type { Command } from './command.js';

export const keyCommands: Command[] = [
  {
    name: 'keys:generate',
    summary: 'Create the signing keys (the server also creates them on first start)',
    usage: [
      'Usage: larder keys:generate [--force] [--json]',
      '',
      '  --force  rotate: a new key signs from now on; the previous ones stay for verification',
      '  --json   print {"file", "kid", "kept"} as JSON',
      '',
      'Writes LARDER_STORAGE/signing-keys.json (mode 0600). To keep keys out of files,',
      'put that file\'s content in LARDER_SIGNING_KEYS instead.',
    ].join('\n'),
    options: { force: { type: 'boolean' }, json: { type: 'boolean' } },
    async run({ values }, context) {
      const config = context.config();
      if (config.signingKeys !== undefined) context.output.err('Note: LARDER_SIGNING_KEYS is set, so the server uses it and ignores the keys file.');
      const result = generateSigningKeys(config.storageDir, { force: values.force === true });
      if (values.json) context.output.out(JSON.stringify(result));
      else context.output.out(`Wrote a new signing key (kid ${result.kid}) to ${result.file}.${result.kept.length ? ` Kept for verification: ${result.kept.join(', ')}.` : ''} Restart the server to use it.`);
      return 0;
    },
  },
];
