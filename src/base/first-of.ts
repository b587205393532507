/** Items for a message: the first `count`, comma-separated, and how many more (`a, b and 3 more`). */
export function firstOf(items: readonly string[], count: number): string {
  const shown = items.slice(0, count).join(', ');
  return items.length > count ? `${shown} and ${items.length - count} more` : shown;
}
