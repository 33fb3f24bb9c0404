import { cpSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_VIEWS_DIR } from '../views/render.js';
import { UsageError, type Command } from './command.js';

export const viewCommands: Command[] = [
  {
    name: 'views:publish',
    summary: 'Copy the default page templates into a folder of your own for editing (LARDER_VIEWS)',
    usage: [
      'Usage: larder views:publish [--to DIR] [--force]',
      '',
      '  --to DIR   where to copy them (default: LARDER_VIEWS, else ./views-custom)',
      '  --force    overwrite templates already there',
      '',
      'Then set LARDER_VIEWS=DIR. Templates you delete from DIR fall back to the defaults.',
    ].join('\n'),
    options: { to: { type: 'string' }, force: { type: 'boolean' } },
    async run({ values }, { output, environment }) {
      const target = path.resolve(typeof values.to === 'string' ? values.to : (environment.LARDER_VIEWS?.trim() || 'views-custom'));
      if (target === path.resolve(DEFAULT_VIEWS_DIR)) throw new UsageError('--to must be another folder than the defaults themselves');
      const files = readdirSync(DEFAULT_VIEWS_DIR, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
      const relative = files.map((entry) => path.relative(DEFAULT_VIEWS_DIR, path.join(entry.parentPath, entry.name)));
      const existing = relative.filter((file) => existsSync(path.join(target, file)));
      if (existing.length > 0 && !values.force) {
        throw new Error(`${target} already has ${existing.join(', ')}; use --force to overwrite them`);
      }
      cpSync(DEFAULT_VIEWS_DIR, target, { recursive: true, force: true });
      output.out(`Copied ${relative.length} templates and assets to ${target}.\nEdit them, then start Larder with LARDER_VIEWS=${target}`);
      return 0;
    },
  },
];
