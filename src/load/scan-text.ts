// Reading the text between the nodes js-yaml reports, as js-yaml's own
// skipping does (loader.js): separation, properties, indicators. Each step is
// linear in what it passes, and each stretch of text is passed a bounded
// number of times.
export class Scanner {
  constructor(readonly text: string) {}

  /** Past white space, line breaks and comments (js-yaml's skipSeparationSpace). */
  skipSeparation(at: number): number {
    const t = this.text;
    let p = at;
    for (;;) {
      const ch = t.charCodeAt(p);
      if (ch === 0x20 || ch === 0x09 || ch === 0x0a || ch === 0x0d) p++;
      else if (ch === 0x23) {
        while (p < t.length && t.charCodeAt(p) !== 0x0a && t.charCodeAt(p) !== 0x0d) p++;
      } else return p;
    }
  }

  /** Past spaces and tabs on the line. */
  skipSpaces(at: number): number {
    let p = at;
    while (this.text.charCodeAt(p) === 0x20 || this.text.charCodeAt(p) === 0x09) p++;
    return p;
  }

  /** The content's start after a node's properties, and where the last property ends (-1: none). */
  content(
    open: number,
    limit = Number.POSITIVE_INFINITY,
  ): { at: number; propsEnd: number; lateProp: number; tagged: boolean } {
    const t = this.text;
    let p = this.skipSeparation(open);
    let propsEnd = -1;
    let lateProp = -1;
    let tagged = false;
    for (;;) {
      const ch = p < limit ? t.charCodeAt(p) : -1;
      if (propsEnd >= 0 && lateProp < 0 && (ch === 0x21 || ch === 0x26) && this.breakBetween(propsEnd, p)) lateProp = p;
      if (ch === 0x21 /* ! */) {
        tagged = true;
        if (t.charCodeAt(p + 1) === 0x3c /* < */) {
          const close = t.indexOf('>', p);
          p = close < 0 ? t.length : close + 1;
        } else {
          while (p < t.length && !isWsOrEol(t.charCodeAt(p))) p++;
        }
      } else if (ch === 0x26 /* & */) {
        p++;
        while (p < t.length && !isWsOrEol(t.charCodeAt(p)) && !isFlowIndicator(t.charCodeAt(p))) p++;
      } else {
        return { at: p, propsEnd, lateProp, tagged };
      }
      propsEnd = p;
      p = this.skipSeparation(p);
    }
  }

  private breakBetween(from: number, to: number): boolean {
    for (let p = from; p < to; p++) {
      const ch = this.text.charCodeAt(p);
      if (ch === 0x0a || ch === 0x0d) return true;
    }
    return false;
  }

  /** The end of an alias's name (js-yaml's readAlias). */
  aliasEnd(at: number): number {
    let p = at + 1;
    while (p < this.text.length && !isWsOrEol(this.text.charCodeAt(p)) && !isFlowIndicator(this.text.charCodeAt(p)))
      p++;
    return p;
  }

  /** Whether nothing but a comment follows on the line. */
  endsLine(at: number): boolean {
    const ch = this.text.charCodeAt(at);
    return at >= this.text.length || ch === 0x0a || ch === 0x0d || ch === 0x23;
  }

  /** Whether a value indicator follows `at` (js-yaml reads a value after a key only then). */
  valueFollows(at: number, flow: boolean): boolean {
    const p = this.skipSeparation(at);
    if (this.text.charCodeAt(p) !== 0x3a /* : */) return false;
    return flow || p + 1 >= this.text.length || isWsOrEol(this.text.charCodeAt(p + 1));
  }

  /** The block sequence entry indicators (`-`) in a stretch of text between nodes. */
  dashes(from: number, to: number): number[] {
    const t = this.text;
    const out: number[] = [];
    for (let p = from; p < to; p++) {
      const ch = t.charCodeAt(p);
      if (ch === 0x23) {
        while (p < to && t.charCodeAt(p) !== 0x0a && t.charCodeAt(p) !== 0x0d) p++;
      } else if (ch === 0x2d && (p + 1 >= t.length || isWsOrEol(t.charCodeAt(p + 1)))) out.push(p);
    }
    return out;
  }

  /** Column of an offset, counted in UTF-16 units from the line's start (only compared with others). */
  column(at: number): number {
    let p = at;
    while (p > 0 && this.text.charCodeAt(p - 1) !== 0x0a && this.text.charCodeAt(p - 1) !== 0x0d) p--;
    return at - p;
  }

  /** The end of what lies before `close`, white space, line breaks and comments left out. */
  contentEnd(from: number, close: number): number {
    let p = Math.min(close, this.text.length);
    while (p > from && isWsOrEol(this.text.charCodeAt(p - 1))) p--;
    return p;
  }
}

export function isWsOrEol(ch: number): boolean {
  return ch === 0x20 || ch === 0x09 || ch === 0x0a || ch === 0x0d;
}

export function isFlowIndicator(ch: number): boolean {
  return ch === 0x2c || ch === 0x5b || ch === 0x5d || ch === 0x7b || ch === 0x7d;
}
