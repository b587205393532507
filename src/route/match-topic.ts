// Topic binding patterns as RabbitMQ reads them: words split on dots (empty
// words count: `a..b` has three), except that the empty key has no words at
// all (so `#` matches it and `*` does not: checked against the broker by the
// differential test). `*` matches exactly one word, `#` zero or more.
export function matchTopic(pattern: string, key: string): boolean {
  const p = words(pattern);
  const k = words(key);
  // reach[j]: pattern words 0..i-1 can match key words 0..j-1.
  let reach = new Array<boolean>(k.length + 1).fill(false);
  reach[0] = true;
  for (const word of p) {
    const next = new Array<boolean>(k.length + 1).fill(false);
    for (let j = 0; j <= k.length; j++) {
      if (word === '#') next[j] = reach[j]! || (j > 0 && next[j - 1]!);
      else if (j > 0) next[j] = reach[j - 1]! && (word === '*' || word === k[j - 1]);
    }
    reach = next;
  }
  return reach[k.length]!;
}

function words(text: string): string[] {
  return text === '' ? [] : text.split('.');
}
