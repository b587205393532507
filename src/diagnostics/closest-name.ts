// "Did you mean" for misspelt field names: the known name with the smallest
// edit distance (Levenshtein, by `leven`; case is ignored), if it is close
// enough to be a plausible typo. Of names equally close, the first known one.
import { closestMatch } from 'leven';

// `maxDistance` tightens it where a suggestion would be a guess (names of objects, which may be anything).
export function closestName(
  name: string,
  known: readonly string[],
  maxDistance = Math.max(2, Math.floor(name.length / 3)),
): string | undefined {
  const lower = known.map((k) => k.toLowerCase());
  const match = closestMatch(name.toLowerCase(), lower, { maxDistance });
  return match === undefined ? undefined : known[lower.indexOf(match)];
}
