// Line and column of an offset in a text, in time logarithmic in the text's
// size: a one-line file of megabytes (a minified JSON export) with thousands of
// findings must not make each lookup count the line's characters again.
// Lines break at LF, CRLF and a lone CR, as YAML's do; columns count code
// points, as editors show them (an emoji is one column, not two).
export class LineIndex {
  private readonly lineStarts: number[];
  /** Offsets of the second halves of surrogate pairs: each is no column of its own. */
  private readonly pairEnds: number[];

  constructor(private readonly text: string) {
    this.lineStarts = [0];
    this.pairEnds = [];
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10) this.lineStarts.push(i + 1);
      else if (ch === 13 && text.charCodeAt(i + 1) !== 10) this.lineStarts.push(i + 1);
      else if (ch >= 0xdc00 && ch <= 0xdfff && i > 0) {
        const before = text.charCodeAt(i - 1);
        if (before >= 0xd800 && before <= 0xdbff) this.pairEnds.push(i);
      }
    }
  }

  /** 1-based line and column of a UTF-16 offset, clamped to the text. */
  linePos(offset: number): { line: number; col: number } {
    const at = Math.max(0, Math.min(offset, this.text.length));
    const line = lastAtOrBefore(this.lineStarts, at);
    // A byte order mark is no column: editors do not show it.
    const start = line === 0 && at > 0 && this.text.charCodeAt(0) === 0xfeff ? 1 : this.lineStarts[line]!;
    // Pair halves in [start, at): a pair never spans a line break.
    const halves = countBelow(this.pairEnds, at) - countBelow(this.pairEnds, start);
    return { line: line + 1, col: at - start - halves + 1 };
  }
}

/** Index of the last element <= value (the array is sorted and starts at 0). */
function lastAtOrBefore(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** How many elements are < value. */
function countBelow(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
