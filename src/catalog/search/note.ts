/**
 * What a search reply says when its first result is not what was asked, in words an
 * assistant can pass on ("no latte in the catalog") instead of logging a look-alike.
 */
export function noCloseMatchNote(query: string, nearest: string | undefined): string {
  const asked = JSON.stringify(query.trim().slice(0, 80));
  if (nearest === undefined) return `Nothing in the catalog matches ${asked}.`;
  return `No close match for ${asked} in the catalog; the nearest is ${JSON.stringify(nearest)}.`;
}
