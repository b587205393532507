// Tags come as a list (3.10+ exports) or as one comma-separated string (older ones).
export function tagList(tags: string[] | string | undefined): string[] {
  if (tags === undefined) return [];
  return (Array.isArray(tags) ? tags : tags.split(',')).map((t) => t.trim()).filter(Boolean);
}
