import { ImportError } from '../../errors.js';
import type { ImportedFood, Portion } from '../model.js';
import { openByteSource, type ByteSource } from './byte-source.js';
import { readLatin1Lines, type Line } from './lines.js';
import { NutrientCollector } from './nutrient-map.js';
import { portionLabel } from './portion-label.js';
import type { ImportOptions } from './progress.js';
import { locateSr28Files, type Sr28FileName } from './sr28-files.js';
import { splitSrLine, srNumber, srText } from './sr28-format.js';

export const SR28_DATASET = 'USDA SR28';

/** Field counts of the release's files; a line with another count is malformed. */
const FIELD_COUNT: Record<Sr28FileName, number> = {
  'FD_GROUP.txt': 2,
  'FOOD_DES.txt': 14,
  'NUT_DATA.txt': 18,
  'WEIGHT.txt': 7,
};

interface FoodDraft {
  food: ImportedFood;
  nutrients: NutrientCollector;
  portions: Array<{ seq: number; portion: Portion }>;
}

/**
 * Reads an SR28 / SR Legacy ASCII release (see sr28-files.ts for what `input` may
 * be) into foods with their nutrients per 100 g and household portions.
 *
 * Everything is read and checked before anything is returned: a malformed line
 * anywhere throws ImportError("FILE:LINE", ...) and no food comes back, so the
 * caller never imports half a release. NUT_DATA (679k rows) is streamed line by
 * line; only the 8,789 foods are held in memory.
 */
export async function readSr28(input: string, options: ImportOptions = {}): Promise<ImportedFood[]> {
  const files = await locateSr28Files(input);
  const sources = {} as Record<Sr28FileName, ByteSource>;
  for (const name of Object.keys(FIELD_COUNT) as Sr28FileName[]) sources[name] = await openByteSource(files[name]);
  const total = Object.values(sources).reduce((sum, s) => sum + s.size, 0);
  let base = 0;

  /**
   * Calls `handle` with each line of one file split into fields and the line's
   * "FILE:LINE" location. A callback rather than a generator: no promise per line.
   */
  async function eachRow(name: Sr28FileName, handle: (fields: string[], at: string) => void): Promise<void> {
    const source = sources[name];
    const progress = options.onProgress ? { onProgress: options.onProgress, base, total } : undefined;
    for await (const lines of readLatin1Lines(source, progress)) {
      for (const line of lines) {
        if (isBlank(line)) continue;
        const at = `${source.label}:${line.number}`;
        handle(splitSrLine(line.text, FIELD_COUNT[name], at), at);
      }
    }
    base += source.size;
  }

  const groups = new Map<string, string>();
  await eachRow('FD_GROUP.txt', (fields, at) => {
    const code = srText(fields[0], 'FdGrp_Cd', at);
    if (groups.has(code)) throw new ImportError(at, `food group ${code} is listed twice`);
    groups.set(code, srText(fields[1], 'FdGrp_Desc', at));
  });

  const drafts = new Map<string, FoodDraft>();
  await eachRow('FOOD_DES.txt', (fields, at) => {
    const ndbNo = ndbNumber(fields[0], at);
    if (drafts.has(ndbNo)) throw new ImportError(at, `NDB_No ${ndbNo} is listed twice`);
    const groupCode = srText(fields[1], 'FdGrp_Cd', at);
    const foodGroup = groups.get(groupCode);
    if (foodGroup === undefined) throw new ImportError(at, `food group ${groupCode} is not in FD_GROUP.txt`);
    const food: ImportedFood = {
      dataset: SR28_DATASET,
      sourceId: ndbNo,
      name: srText(fields[2], 'Long_Desc', at),
      foodGroup,
      nutrients: {},
      portions: [],
    };
    // ComName holds common names ("pop, soda"); ManufacName the maker of a branded food.
    const [commonNames, manufacturer, scientificName, refuseDescription] = [fields[4], fields[5], fields[9], fields[7]].map((t) => (t ?? '').trim());
    const terms = [commonNames, manufacturer].filter((t) => t !== '');
    if (terms.length > 0) food.searchTerms = terms.join('; ');
    if (commonNames) food.commonNames = commonNames;
    if (manufacturer) food.manufacturer = manufacturer;
    if (scientificName) food.scientificName = scientificName;
    food.survey = (fields[6] ?? '').trim() === 'Y';
    const refuse = (fields[8] ?? '').trim();
    if (refuse !== '') food.refuse = { percent: srNumber(refuse, 'Refuse', at), description: refuseDescription ?? '' };
    drafts.set(ndbNo, { food, nutrients: new NutrientCollector(), portions: [] });
  });

  await eachRow('NUT_DATA.txt', (fields, at) => {
    const draft = knownFood(drafts, fields[0], at);
    const nutrientNo = srText(fields[1], 'Nutr_No', at);
    // Checked for every row, tracked or not: a bad number means a damaged file.
    const value = srNumber(fields[2], 'Nutr_Val', at);
    draft.nutrients.add(nutrientNo, value);
  });

  await eachRow('WEIGHT.txt', (fields, at) => {
    const draft = knownFood(drafts, fields[0], at);
    const seq = srNumber(fields[1], 'Seq', at);
    const amount = srNumber(fields[2], 'Amount', at);
    const measure = srText(fields[3], 'Msre_Desc', at);
    const grams = srNumber(fields[4], 'Gm_Wgt', at);
    if (grams <= 0) throw new ImportError(at, `Gm_Wgt must be above 0, found ${grams}`);
    draft.portions.push({ seq, portion: { label: portionLabel(amount, measure), grams, amount, measure } });
  });

  return [...drafts.values()].map(({ food, nutrients, portions }) => ({
    ...food,
    nutrients: nutrients.result(),
    portions: portions.sort((a, b) => a.seq - b.seq).map((p) => p.portion),
  }));
}

/** Blank lines carry nothing; old releases also end with a DOS end-of-file mark (Ctrl-Z). */
function isBlank(line: Line): boolean {
  return line.text.trim() === '' || line.text === '\x1a';
}

function ndbNumber(value: string | undefined, at: string): string {
  const ndbNo = srText(value, 'NDB_No', at);
  if (!/^\d{1,5}$/.test(ndbNo)) throw new ImportError(at, `NDB_No must be up to 5 digits, found ${JSON.stringify(ndbNo)}`);
  return ndbNo.padStart(5, '0');
}

function knownFood(drafts: Map<string, FoodDraft>, value: string | undefined, at: string): FoodDraft {
  const ndbNo = ndbNumber(value, at);
  const draft = drafts.get(ndbNo);
  if (!draft) throw new ImportError(at, `NDB_No ${ndbNo} is not in FOOD_DES.txt`);
  return draft;
}
