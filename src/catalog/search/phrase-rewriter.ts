/**
 * The phrase rewrites (synonyms.ts PHRASE_REWRITES) applied in order, each to what the ones
 * before left, skipping at once the rewrites that cannot change the text. Each rewrite's
 * pattern is read once for the literal strings every match contains, as clauses ("chicken"
 * and "soup" for `\bchicken\s+soups?\b`; "coke", "cola" or "pepsi", and "zero", for `\b(coke|cola|pepsi)\s+zero`),
 * its `needs` a clause of its own; one clause is indexed by the first three characters of its
 * literals, so a query looks up its own runs of three characters (a few dozen) rather than
 * testing a few hundred patterns, and a rewrite found is tried only when the text has a
 * literal of every clause. A rewrite with no clause to index is looked at for every text.
 * The text is the same as trying every rewrite in turn: a rewrite skipped lacks a literal
 * every match of its has (or its `needs`), so it could not have changed the text, and after
 * a rewrite changes the text the rest are looked up again in the new one.
 */

type Rewrite = readonly [pattern: RegExp, replacement: string, needs?: string];

/**
 * What a text must have for a rewrite to change it: for every clause, one of its literals
 * (the pattern's literals, and the rewrite's `needs` as a clause of its own).
 */
interface Prepared {
  pattern: RegExp;
  replacement: string;
  clauses: ReadonlyArray<readonly string[]>;
}

export class PhraseRewriter {
  private readonly rewrites: Prepared[];
  /** Rewrites by the first three characters of each literal of one of their clauses (see keyAt). */
  private readonly byKey = new Map<number, number[]>();
  /** Rewrites with no clause to index: looked at for every text (their clauses still checked). */
  private readonly always: number[] = [];
  /** Per call: the rewrites found for the text (a mark per rewrite, this call's stamp). */
  private readonly marks: Uint32Array;
  private stamp = 0;

  constructor(rewrites: readonly Rewrite[]) {
    this.rewrites = rewrites.map(([pattern, replacement, needs]) => {
      const clauses = (pattern.flags.replace('g', '') === '' ? requiredLiterals(pattern.source) : undefined) ?? [];
      return { pattern, replacement, clauses: needs === undefined ? clauses : [...clauses, [needs]] };
    });
    this.rewrites.forEach((rewrite, i) => {
      // The clause indexed: every literal indexable, the shortest as long as can be (a long word is rarer).
      let indexed: readonly string[] | undefined;
      const shortest = (clause: readonly string[]) => Math.min(...clause.map((literal) => literal.length));
      for (const clause of rewrite.clauses) if (clause.every(indexable) && (indexed === undefined || shortest(clause) > shortest(indexed))) indexed = clause;
      if (indexed === undefined) {
        this.always.push(i);
        return;
      }
      for (const literal of indexed) {
        const key = keyAt(literal, 0);
        const list = this.byKey.get(key);
        if (list === undefined) this.byKey.set(key, [i]);
        else if (list.at(-1) !== i) list.push(i);
      }
    });
    this.marks = new Uint32Array(this.rewrites.length);
  }

  /** How many rewrites are looked at for every text (no clause of theirs could be indexed). */
  get alwaysTried(): number {
    return this.always.length;
  }

  /** What a text must have for the rewrite at `index` to change it: one literal of each clause. */
  clausesOf(index: number): ReadonlyArray<readonly string[]> | undefined {
    return this.rewrites[index]?.clauses;
  }

  /** `text` with every rewrite applied in order, as `for (const [p, r, needs] of rewrites) if (!needs || text.includes(needs)) text = text.replace(p, r)`. */
  apply(text: string): string {
    let from = 0;
    for (;;) {
      let changed = false;
      for (const i of this.candidates(text, from)) {
        from = i + 1;
        const { pattern, replacement, clauses } = this.rewrites[i]!;
        if (!clauses.every((clause) => clause.some((literal) => text.includes(literal)))) continue;
        const next = text.replace(pattern, replacement);
        if (next !== text) {
          text = next;
          changed = true;
          break;
        }
      }
      // A change: the rewrites after it are looked up again in the new text.
      if (!changed) return text;
    }
  }

  /** The rewrites from `from` on that may change `text`, in order. */
  private candidates(text: string, from: number): number[] {
    if (++this.stamp === 0xffffffff) {
      this.marks.fill(0);
      this.stamp = 1;
    }
    const stamp = this.stamp;
    const found: number[] = [];
    for (const i of this.always) if (i >= from) found.push(i);
    const always = found.length;
    for (let at = 0; at + 2 < text.length; at++) {
      const key = keyAt(text, at);
      if (key < 0) continue;
      const list = this.byKey.get(key);
      if (list === undefined) continue;
      for (const i of list) {
        if (i < from || this.marks[i] === stamp) continue;
        this.marks[i] = stamp;
        found.push(i);
      }
    }
    if (found.length > always) found.sort((a, b) => a - b);
    return found;
  }
}

/** A literal indexed by its first three characters (ASCII). */
const indexable = (literal: string): boolean => literal.length >= 3 && keyAt(literal, 0) >= 0;

/** The three ASCII characters at `at` as one number, or -1 when one is not ASCII. */
function keyAt(text: string, at: number): number {
  const a = text.charCodeAt(at);
  const b = text.charCodeAt(at + 1);
  const c = text.charCodeAt(at + 2);
  return (a | b | c) < 128 ? (a << 14) | (b << 7) | c : -1;
}

/** Not a pattern this reader knows: the rewrite is always looked at. */
class Unknown extends Error {}

/** Literals a text must have: one of each clause. */
type Clauses = string[][];

/**
 * What every match of the pattern `source` contains, as clauses: for each clause, one of its
 * literal strings ("\bchicken\s+soups?\b": "chicken" and "soup"; "\b(coke|cola)\s+zero":
 * "coke" or "cola", and "zero"). Undefined when the pattern is not one this reader knows. It
 * knows literal characters (escaped punctuation too), groups, alternation, `? * + {n,m}` (lazy or
 * not), classes, `\s \d \w \b`, `.`, `^ $` and lookarounds (which consume nothing and are left
 * out); of an alternation of several branches it keeps one clause, each branch's best literals.
 */
export function requiredLiterals(source: string): Clauses | undefined {
  try {
    const reader = new Reader(source);
    const clauses = reader.alternation();
    if (reader.at < source.length) throw new Unknown();
    return clauses;
  } catch (error) {
    if (error instanceof Unknown) return undefined;
    throw error;
  }
}

const PUNCTUATION = new Set([...'.-\'/\\()[]{}|?*+^$&,:;!#%@=<>"` ~_']);

/** The clause of `clauses` whose shortest literal is longest (a long word is rarer), or undefined. */
function bestClause(clauses: Clauses): string[] | undefined {
  let best: string[] | undefined;
  const shortest = (clause: string[]) => Math.min(...clause.map((literal) => literal.length));
  for (const clause of clauses) if (best === undefined || shortest(clause) > shortest(best)) best = clause;
  return best;
}

class Reader {
  at = 0;
  constructor(private readonly source: string) {}

  /**
   * `a|b|...` up to a `)` or the end. One branch: its clauses. Several: one clause, the union
   * of each branch's best clause; none when a branch has none.
   */
  alternation(): Clauses {
    const branches: Clauses[] = [];
    for (;;) {
      branches.push(this.sequence());
      if (this.source[this.at] !== '|') break;
      this.at++;
    }
    if (branches.length === 1) return branches[0]!;
    const union = new Set<string>();
    for (const branch of branches) {
      const best = bestClause(branch);
      if (best === undefined) return [];
      for (const literal of best) union.add(literal);
    }
    return [[...union]];
  }

  /** A branch: every clause its mandatory items give (a run of literal characters is a clause of one). */
  private sequence(): Clauses {
    const clauses: Clauses = [];
    let run = '';
    const endRun = () => {
      if (run !== '') clauses.push([run]);
      run = '';
    };
    while (this.at < this.source.length) {
      const c = this.source[this.at]!;
      if (c === '|' || c === ')') break;
      const item = this.item();
      const { min, max } = this.quantifier();
      if (item.kind === 'zero-width') {
        if (min !== 1 || max !== 1) throw new Unknown();
        endRun();
        continue;
      }
      if (min === 0) {
        endRun();
        continue;
      }
      if (item.kind === 'char') {
        run += item.char;
        if (max !== 1) endRun();
        continue;
      }
      endRun();
      if (item.kind === 'group') clauses.push(...item.clauses);
    }
    endRun();
    return clauses;
  }

  /** One item: a character, a class of characters, a group, or an assertion. */
  private item(): { kind: 'char'; char: string } | { kind: 'class' } | { kind: 'zero-width' } | { kind: 'group'; clauses: Clauses } {
    const c = this.source[this.at++]!;
    if (c === '\\') {
      const e = this.source[this.at++];
      if (e === undefined) throw new Unknown();
      if (e === 'b' || e === 'B') return { kind: 'zero-width' };
      if ('sSdDwW'.includes(e)) return { kind: 'class' };
      if (PUNCTUATION.has(e)) return { kind: 'char', char: e };
      throw new Unknown();
    }
    if (c === '^' || c === '$') return { kind: 'zero-width' };
    if (c === '.') return { kind: 'class' };
    if (c === '[') {
      while (this.at < this.source.length && this.source[this.at] !== ']') this.at += this.source[this.at] === '\\' ? 2 : 1;
      if (this.source[this.at] !== ']') throw new Unknown();
      this.at++;
      return { kind: 'class' };
    }
    if (c === '(') {
      const opening = /^\?(?::|=|!|<=|<!)/.exec(this.source.slice(this.at))?.[0] ?? '';
      if (opening === '' && this.source[this.at] === '?') throw new Unknown();
      this.at += opening.length;
      const lookaround = opening !== '' && opening !== '?:';
      const clauses = this.alternation();
      if (this.source[this.at] !== ')') throw new Unknown();
      this.at++;
      return lookaround ? { kind: 'zero-width' } : { kind: 'group', clauses };
    }
    if ('?*+{}|)]'.includes(c)) throw new Unknown();
    if (/[a-z0-9 '&,\-/%:;!"#=<>`~_@]/.test(c)) return { kind: 'char', char: c };
    throw new Unknown();
  }

  /** The quantifier after an item: how many times at least and at most (Infinity). */
  private quantifier(): { min: number; max: number } {
    const c = this.source[this.at];
    let quantifier: { min: number; max: number };
    if (c === '?') quantifier = { min: 0, max: 1 };
    else if (c === '*') quantifier = { min: 0, max: Infinity };
    else if (c === '+') quantifier = { min: 1, max: Infinity };
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.at));
      if (!m) throw new Unknown();
      quantifier = { min: Number(m[1]), max: m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]) };
      this.at += m[0].length - 1;
    } else return { min: 1, max: 1 };
    this.at++;
    if (this.source[this.at] === '?') this.at++;
    return quantifier;
  }
}
