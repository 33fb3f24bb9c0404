/**
 * GPT Actions reject any response over 100,000 characters (ResponseTooLargeError);
 * Larder keeps every API reply under this budget by trimming lists, never by failing.
 */
export const RESPONSE_BUDGET_CHARS = 100_000;

/**
 * Keeps as many items of `items` (in order) as fit, with `truncated: true` when some
 * had to go. `wrap` builds the reply around the kept items.
 */
export function fitList<T, R extends object>(
  items: readonly T[],
  wrap: (kept: readonly T[], truncated: boolean) => R,
  budget = RESPONSE_BUDGET_CHARS,
): R {
  const full = wrap(items, false);
  if (JSON.stringify(full).length <= budget) return full;
  // Binary search for the longest prefix that fits.
  let low = 0;
  let high = items.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if (JSON.stringify(wrap(items.slice(0, mid), true)).length <= budget) low = mid;
    else high = mid - 1;
  }
  return wrap(items.slice(0, low), true);
}

/**
 * fitList for items already serialized: `{"data":[...],...fields}` from the JSON text of
 * each item, keeping as many (in order) as fit, with `"truncated":true` last when some had
 * to go. The text is the same document fitList's `{ data, ...fields, truncated? }`
 * serializes to.
 */
export function fitJsonList(pieces: readonly string[], fields: Record<string, unknown> = {}, budget = RESPONSE_BUDGET_CHARS): string {
  const tail = JSON.stringify(fields).slice(1, -1);
  const rest = tail === '' ? '' : `,${tail}`;
  const whole = `{"data":[${pieces.join(',')}]${rest}}`;
  if (whole.length <= budget) return whole;
  // The wrapper and one comma between items: the length of a prefix is known without building it.
  const wrapper = `{"data":[]${rest},"truncated":true}`.length;
  let kept = 0;
  let length = wrapper;
  for (const piece of pieces) {
    const added = piece.length + (kept > 0 ? 1 : 0);
    if (length + added > budget) break;
    length += added;
    kept++;
  }
  return `{"data":[${pieces.slice(0, kept).join(',')}]${rest},"truncated":true}`;
}

/** Cuts a string to `max` characters, ending in an ellipsis when cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The JSON text of replies already serialized as they were put together (jsonOf). */
const knownJson = new WeakMap<object, string>();

/**
 * `value`, known to serialize to `json` (its JSON.stringify, made from pieces serialized
 * once, as fitJsonList's), so whatever measures or sends it does not serialize it again.
 * The value is not to be changed afterwards.
 */
export function withJson<T extends object>(value: T, json: string): T {
  knownJson.set(value, json);
  return value;
}

/** JSON.stringify(value), from withJson's text when it has one. */
export function jsonOf(value: object): string {
  return knownJson.get(value) ?? JSON.stringify(value);
}
