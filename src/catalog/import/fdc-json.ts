import { ImportError } from '../../errors.js';
import type { ImportedFood } from '../model.js';
import { openByteSource } from './byte-source.js';
import { FDC_FORMATS, fdcFood, isFdcKind, type FdcKind } from './fdc-food.js';
import { streamTopLevelArray } from './json-array-stream.js';
import type { ImportOptions } from './progress.js';

export { FDC_FORMATS, type FdcKind } from './fdc-food.js';

/**
 * Reads a FoodData Central JSON download (SR Legacy, Foundation, Survey/FNDDS or
 * Branded; plain or gzipped) as a stream of foods, one at a time, so a
 * multi-gigabyte Branded file never sits in memory.
 *
 * An error (invalid or truncated JSON, a food without fdcId or description, a
 * non-numeric amount) throws ImportError located at "FILE: record N (fdcId X)" or
 * "FILE: byte OFFSET". It can come after many foods were yielded: import inside
 * one transaction and roll back when the iteration throws.
 */
export async function* readFdcJson(file: string, options: ImportOptions = {}): AsyncGenerator<ImportedFood> {
  const source = await openByteSource(file);
  let kind: FdcKind | undefined;
  const elements = streamTopLevelArray(source, {
    acceptKey: (key, location) => {
      if (!isFdcKind(key)) {
        throw new ImportError(
          location,
          `unknown top-level key "${key}": supported FoodData Central downloads are ${Object.keys(FDC_FORMATS)
            .map((k) => `{"${k}": [...]}`)
            .join(', ')}`,
        );
      }
      kind = key;
    },
    onProgress: options.onProgress,
  });
  for await (const { record, value } of elements) {
    // acceptKey has run before the first element, so kind is set here.
    yield fdcFood(kind!, value, `${source.label}: record ${record}`);
  }
}
