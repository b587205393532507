// One walk over the data js-yaml read, before anything else walks it. js-yaml
// builds an alias as a reference to the anchored object, so the data is a
// graph: walked as a tree (by the schema check, the model, an export) it is as
// large as the aliases expand it, and an alias inside its own anchor makes it
// endless. Each object is measured once (its size and height remembered), so
// this walk is linear in what the text holds whatever the aliases do. Data
// read from a text without an anchor holds no alias: hasSuspectKey is enough.
import { MAX_DEPTH } from './read-yaml.js';

/** How many values aliases may add to those the file writes out. */
export const MAX_ALIAS_VALUES = 1_000_000;

export interface DataShape {
  /** Some key may have been read from other text: a number, null, a boolean, a collection, `<<`. */
  readonly suspectKey: boolean;
  /** An alias refers to a node that contains it. */
  readonly cycle: boolean;
  /** Aliases add more than MAX_ALIAS_VALUES values. */
  readonly tooLarge: boolean;
  /** Aliases nest the data deeper than MAX_DEPTH. */
  readonly tooDeep: boolean;
}

// String forms of keys that YAML read as something other than a plain string:
// numbers (1e3 → 1000, .inf → Infinity), null, booleans, mappings or lists
// used as keys ([object Object], a,b, or empty), and the YAML 1.1 merge key.
export const SUSPECT_KEY = /^(?:[-+.0-9]|null$|true$|false$|Infinity$|NaN$|\[object Object\]$|<<$|$)|,/;

const IN_PROGRESS = -1;
// Size and height in one number: a height never exceeds MAX_DEPTH + 1 < 128.
const HEIGHT = 128;

class Stop extends Error {}

export function measureData(data: unknown): DataShape {
  // For each object: size * HEIGHT + height, or IN_PROGRESS while its own walk is under way.
  const seen = new Map<object, number>();
  let suspectKey = false;
  let cycle = false;
  let tooLarge = false;
  let tooDeep = false;
  let added = 0;
  /** Size of a value at `depth` (the root collection is at 1); its height is left in `seen`. */
  const visit = (value: unknown, depth: number): number => {
    if (typeof value !== 'object' || value === null) return 1;
    const known = seen.get(value);
    if (known !== undefined) {
      if (known === IN_PROGRESS) {
        cycle = true;
        throw new Stop();
      }
      const size = Math.floor(known / HEIGHT);
      added += size;
      if (added > MAX_ALIAS_VALUES) tooLarge = true;
      if (depth + (known % HEIGHT) - 1 > MAX_DEPTH) tooDeep = true;
      if (tooLarge || tooDeep) throw new Stop();
      return size;
    }
    if (depth > MAX_DEPTH) {
      tooDeep = true;
      throw new Stop();
    }
    seen.set(value, IN_PROGRESS);
    let size = 1;
    let height = 0;
    if (Array.isArray(value)) {
      for (const item of value) {
        size += visit(item, depth + 1);
        if (typeof item === 'object' && item !== null) height = Math.max(height, seen.get(item)! % HEIGHT);
      }
    } else {
      const record = value as Record<string, unknown>;
      for (const key in record) {
        if (!suspectKey && SUSPECT_KEY.test(key)) suspectKey = true;
        const item = record[key];
        size += visit(item, depth + 1);
        if (typeof item === 'object' && item !== null) height = Math.max(height, seen.get(item)! % HEIGHT);
      }
    }
    seen.set(value, size * HEIGHT + height + 1);
    return size;
  };
  try {
    visit(data, 1);
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
  }
  return { suspectKey, cycle, tooLarge, tooDeep };
}

/**
 * Whether some key of a tree (data without aliases, whose depth js-yaml
 * bounds) may have been read from other text; nothing is remembered.
 */
export function hasSuspectKey(value: unknown, depth = 1): boolean {
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (hasSuspectKey(item, depth + 1)) return true;
    return false;
  }
  // for…in allocates nothing: this walk runs on every clean file.
  const record = value as Record<string, unknown>;
  for (const key in record) if (SUSPECT_KEY.test(key) || hasSuspectKey(record[key], depth + 1)) return true;
  return false;
}
