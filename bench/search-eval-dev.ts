// Development aid: prints search quality over a judged file. `node dist/bench/search-eval-dev.js FILE`
import { readBundledCatalog } from '../src/catalog/bundled.js';
import { foodIdFor } from '../src/catalog/slug.js';
import { FoodSearchIndex } from '../src/catalog/search/index.js';
import { measureSearch, readJudgments } from '../test/helpers/search-eval.js';

const foods = readBundledCatalog().map((f) => ({ ...f, id: foodIdFor(f.dataset, f.sourceId) }));
const names = new Map(foods.map((f) => [f.id, f.name]));
const index = new FoodSearchIndex(foods);
const quality = measureSearch(readJudgments(process.argv[2]!), (q) => index.search(q, 3).map((h) => h.id));
const show = (ids: string[]) => ids.map((id) => `${names.get(id)} [${id.slice(3)}]`).join(' | ');
for (const m of quality.misses) console.log(`MISS  ${m.query}: ${show(m.got)}   expected ${m.expected.slice(0, 3).map((e) => names.get('sr-' + e)).join(' / ')}`);
for (const m of quality.notFirst) console.log(`2ND   ${m.query}: ${show(m.got)}`);
console.log(`success@1 ${quality.successAt1.toFixed(3)}  success@3 ${quality.successAt3.toFixed(3)}  (${quality.queries} queries)`);
