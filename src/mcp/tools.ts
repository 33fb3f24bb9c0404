import type { Caller } from '../api/caller.js';
import type { Operation, OperationId, OperationRef } from '../api/operation.js';
import type { Catalog } from '../catalog/catalog.js';
import { getFood, getFoodOperation, searchFoods, searchFoodsOperation, type FoodList, type SearchFoodsInput } from '../catalog/operations.js';
import type { FoodJson } from '../catalog/present.js';
import type { Db } from '../db/index.js';
import {
  addDiaryEntryOperation,
  addEntry,
  deleteDiaryEntryOperation,
  deleteEntry,
  diaryDay,
  listDiaryEntriesOperation,
  type AddDiaryEntryInput,
  type DiaryDayJson,
} from '../diary/operations.js';
import type { DiaryEntryJson } from '../diary/present.js';
import { daySummary, getDiarySummaryOperation, type DaySummaryJson } from '../diary/summary.js';

/** What the tools read and write; `budget` leaves room in each result for its text and envelope. */
export interface McpToolDeps {
  catalog: Catalog;
  appUrl: string;
  db: Db;
  responseBudget: number;
}

/** MCP tool annotations (2025-06-18 "Tool"); ChatGPT's app review wants each one stated. */
export interface ToolHints {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/**
 * One row of the tool table: an MCP tool is an operation under a name a model reads,
 * with a description written to help it choose, the hints, the call into the same module
 * function the REST route calls, and a short text for clients that show no structure.
 */
export interface McpTool<Input = unknown, Output = unknown> {
  name: string;
  title: string;
  operation: Operation;
  description: string;
  annotations: ToolHints;
  /** Input fields the tool requires on top of the operation's own (log_food: the idempotency key). */
  alsoRequired?: readonly string[];
  /** Whether its result shows the nutrition-facts app (MCP Apps): the foods of its structured content's `data`. */
  showsFacts: boolean;
  run(deps: McpToolDeps, caller: Caller, input: Input): Promise<Output>;
  /** The `structuredContent`, matching the operation's output schema (default: the output itself). */
  structured?(output: Output): object;
  summarize(output: Output): string;
}

function tool<Input, Output>(definition: McpTool<Input, Output>): McpTool {
  return definition as unknown as McpTool;
}

const reads: ToolHints = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

function energyOf(nutrition: ReadonlyArray<{ name: string; amount: number; unit: string }>): string {
  const energy = nutrition.find((n) => n.name === 'Energy');
  return energy ? `${energy.amount} ${energy.unit}` : 'energy not reported';
}

/** The first few of a list, and how many more the structured result holds. */
function listed(items: readonly string[], shown = 8): string {
  return items.length <= shown ? items.join('; ') : `${items.slice(0, shown).join('; ')}; and ${items.length - shown} more`;
}

function describeEntry(entry: DiaryEntryJson): string {
  return `${entry.meal}: ${entry.amount} of ${entry.food.name} (${energyOf(entry.nutrition)}; entry ${entry.id})`;
}

/**
 * The six tools, in the order `tools/list` shows them. Names are the SPEC.md contract.
 */
export const MCP_TOOLS: readonly McpTool[] = [
  tool<SearchFoodsInput, FoodList>({
    name: 'search_foods',
    title: 'Search foods',
    operation: searchFoodsOperation,
    description:
      'Search Larder\'s food catalog (USDA nutrition data) by what a person calls a food: "banana", "chicken breast roasted", "oj"; typos are fine. Returns the best matches first, each with its Larder food id, nutrients per 100 g, household portions with their weight in grams, and a link to its page. Call it first to find the food_id that get_food and log_food need; if nothing fits, search again with other words.',
    annotations: reads,
    showsFacts: true,
    run: (deps, caller, input) => searchFoods(deps, caller, input),
    summarize: (output) =>
      output.data.length === 0
        ? 'No food matches; try other words (a plainer name, or without brand or amount).'
        : `${output.data.length} match${output.data.length === 1 ? '' : 'es'}, best first: ${output.data.map((f) => `${f.name} (id ${f.id}, ${energyOf(f.nutrition)} per 100 g)`).join('; ')}.${output.truncated ? ' Some were left out to keep the answer small.' : ''}`,
  }),
  tool<{ id: string }, { data: FoodJson }>({
    name: 'get_food',
    title: 'Get a food',
    operation: getFoodOperation,
    description:
      "Get one food's nutrition facts by its Larder food id (from search_foods): nutrients per 100 g, household portions with their weight in grams, the source (USDA dataset and its own food id, to cite), and a link to its public page. Use it for questions about one food, or to see its portions before log_food.",
    annotations: reads,
    showsFacts: true,
    run: (deps, caller, input) => getFood(deps, caller, input),
    summarize: ({ data }) =>
      `${data.name} (id ${data.id}), per 100 g: ${data.nutrition.map((n) => `${n.name} ${n.amount} ${n.unit}`).join(', ')}.${data.portions.length > 0 ? ` Portions: ${data.portions.map((p) => `${p.label} = ${p.grams} g`).join('; ')}.` : ''} Source: ${data.source.dataset} ${data.source.id}; ${data.url}`,
  }),
  tool<AddDiaryEntryInput, { entry: DiaryEntryJson; replayed: boolean }>({
    name: 'log_food',
    title: 'Log a food in the diary',
    operation: addDiaryEntryOperation,
    description:
      "Add what the person ate to their Larder food diary: a food_id from search_foods, the meal (breakfast, lunch, dinner or snack), and how much: grams, or one of the food's listed portions (\"1 cup\", \"1 medium\") with an optional quantity. The date defaults to today in the person's time zone. Send a new idempotency_key (a UUID) for every new entry and the same one only to retry that entry: a retry returns the entry already logged, never a second one. Returns the entry with the nutrients of the amount eaten.",
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    alsoRequired: ['idempotency_key'],
    showsFacts: false,
    run: (deps, caller, input) => addEntry(deps, caller, input),
    structured: ({ entry }) => entry,
    summarize: ({ entry, replayed }) =>
      `${replayed ? 'Already logged (same idempotency_key), not added again' : 'Logged'} on ${entry.date}: ${describeEntry(entry)}.${entry.portion_note ? ` Note: ${entry.portion_note}` : ''}`,
  }),
  tool<{ date?: string }, DiaryDayJson>({
    name: 'get_diary',
    title: "Read a day's diary",
    operation: listDiaryEntriesOperation,
    description:
      "Read the person's food diary for one day (default today in their time zone): each entry with its id, meal, food, amount and the nutrients of the amount eaten. Use the entry ids with delete_diary_entry; for totals and goals use get_daily_summary.",
    annotations: reads,
    showsFacts: false,
    run: (deps, caller, input) => diaryDay(deps, caller, input),
    summarize: (day) =>
      day.entries.length === 0
        ? `Nothing is logged for ${day.date}.`
        : `${day.date}, ${day.entries.length} entr${day.entries.length === 1 ? 'y' : 'ies'}${day.truncated ? ' (more were left out to keep the answer small; get_daily_summary has the day\'s totals)' : ''}: ${listed(day.entries.map(describeEntry))}.`,
  }),
  tool<{ date?: string }, DaySummaryJson>({
    name: 'get_daily_summary',
    title: "A day's totals against goals",
    operation: getDiarySummaryOperation,
    description:
      "The person's totals for one day (default today in their time zone): nutrients eaten, entries and energy per meal, and progress against the daily goals they set in Larder (energy, protein, fat, carbohydrate: goal, eaten, remaining). Use it for \"how am I doing today\" questions.",
    annotations: reads,
    showsFacts: false,
    run: (deps, caller, input) => daySummary(deps, caller, input),
    summarize: (summary) =>
      `${summary.date}: ${summary.entry_count} entr${summary.entry_count === 1 ? 'y' : 'ies'}, ${energyOf(summary.totals)} in all.${
        summary.goals.length > 0 ? ` Goals: ${summary.goals.map((g) => `${g.name} ${g.eaten} of ${g.goal} ${g.unit} (${g.remaining} left)`).join('; ')}.` : ' No daily goals are set.'
      }`,
  }),
  tool<{ id: string }, { deleted: DiaryEntryJson }>({
    name: 'delete_diary_entry',
    title: 'Delete a diary entry',
    operation: deleteDiaryEntryOperation,
    description:
      "Delete one entry from the person's food diary by its entry id (from get_diary or log_food). It cannot be undone: make sure it is the entry the person means.",
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    showsFacts: false,
    run: (deps, caller, input) => deleteEntry(deps, caller, input),
    summarize: ({ deleted }) => `Deleted from ${deleted.date}: ${describeEntry(deleted)}.`,
  }),
];

const TOOL_BY_OPERATION = new Map<OperationId, string>(MCP_TOOLS.map((t) => [t.operation.id, t.name]));

/** MCP names operations by their tool name ("from search_foods"); one without a tool keeps its id. */
export const byToolName: OperationRef = (id) => TOOL_BY_OPERATION.get(id) ?? id;

export function findTool(name: string): McpTool | undefined {
  return MCP_TOOLS.find((t) => t.name === name);
}
