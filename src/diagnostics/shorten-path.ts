// File names for tools that resolve them against the checkout (GitHub
// annotations, SARIF): relative to the working directory, with forward
// slashes. A file outside it keeps its absolute path; pseudo-files such as
// `<stdin>` are not paths and are kept as they are.
import { isAbsolute, relative, resolve, sep } from 'node:path';

export function shortenPath(file: string, cwd: string): string {
  if (isPseudoFile(file)) return file;
  const rel = relative(cwd, resolve(cwd, file));
  const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  return (inside ? rel : resolve(cwd, file)).split(sep).join('/');
}

/** `<stdin>` (a PATH of -) and `<stdout>` (import's output): names in angle brackets, never real paths. */
export function isPseudoFile(file: string): boolean {
  return file.startsWith('<') && file.endsWith('>');
}
