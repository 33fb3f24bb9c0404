import path from 'node:path';
import { Catalog } from '../catalog/catalog.js';
import { readFoodFile } from '../catalog/import/detect.js';
import type { ImportedFood } from '../catalog/model.js';
import { UsageError, type Command } from './command.js';
import { withDatabase } from './database.js';
import { createProgressBar } from './progress-bar.js';

export const catalogCommands: Command[] = [
  {
    name: 'catalog:import',
    summary: 'Import foods from USDA downloads (SR28/SR Legacy ASCII, FoodData Central JSON)',
    usage: [
      'Usage: larder catalog:import FILE [FILE …] [--json]',
      '',
      '  FILE    an SR28 / SR Legacy ASCII release (its folder, or its FOOD_DES.txt with the other files beside it),',
      '          or a FoodData Central JSON download (SR Legacy, Foundation, Survey/FNDDS, Branded)',
      '  --json  print the summary as JSON',
      '',
      'Re-importing updates foods in place and never duplicates them. All files are imported in one',
      'transaction: if any record is wrong, nothing changes and the error names the file and line or record.',
      'Running servers pick up the new catalog within 15 seconds.',
    ].join('\n'),
    options: { json: { type: 'boolean' } },
    allowPositionals: true,
    async run({ values, positionals }, context) {
      const { output } = context;
      if (positionals.length === 0) throw new UsageError('name at least one file or folder to import');
      const files = positionals.map((file) => path.resolve(file));
      return withDatabase(context, async (db) => {
        const catalog = new Catalog(db);
        const started = Date.now();
        let count = 0;
        async function* allFoods(): AsyncGenerator<ImportedFood> {
          for (const file of files) {
            const bar = createProgressBar(output, path.basename(file));
            try {
              for await (const food of readFoodFile(file, { onProgress: (done, total) => bar.update(done, total) })) {
                count++;
                yield food;
              }
            } finally {
              bar.done();
            }
          }
        }
        const summary = await catalog.importFoods(allFoods());
        const seconds = (Date.now() - started) / 1000;
        const total = await catalog.count();
        if (values.json) {
          output.out(JSON.stringify({ files, read: count, ...summary, catalog_size: total, seconds }));
        } else {
          output.out(
            `Imported ${count.toLocaleString('en-US')} foods from ${files.length} file(s) in ${seconds.toFixed(1)} s: ` +
              `${summary.added.toLocaleString('en-US')} added, ${summary.updated.toLocaleString('en-US')} updated, ` +
              `${summary.unchanged.toLocaleString('en-US')} unchanged. The catalog now has ${total.toLocaleString('en-US')} foods.`,
          );
        }
        return 0;
      });
    },
  },
];
