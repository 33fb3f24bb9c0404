/** Rows reused across calls: the search runs one distance at a time, many times per query. */
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);
let rowC = new Int32Array(64);

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions, the
 * commonest typing slip), giving up as soon as it must exceed `max`.
 * Returns max + 1 when the words are further apart than `max`.
 */
export function editDistanceWithin(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const cols = b.length + 1;
  if (rowA.length < cols) {
    rowA = new Int32Array(cols * 2);
    rowB = new Int32Array(cols * 2);
    rowC = new Int32Array(cols * 2);
  }
  let previousPrevious = rowA;
  let previous = rowB;
  let current = rowC;
  for (let j = 0; j < cols; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j < cols; j++) {
      const cb = b.charCodeAt(j - 1);
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        value = Math.min(value, previousPrevious[j - 2]! + 1);
      }
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    const spare = previousPrevious;
    previousPrevious = previous;
    previous = current;
    current = spare;
  }
  const distance = previous[cols - 1]!;
  return distance > max ? max + 1 : distance;
}
