// System errors (ENOENT, EACCES, ENOSPC …) as one short phrase with their
// code, for the one-line messages of the CLI: never a stack, never Node's
// full message (which repeats the path, unescaped).
const PHRASES: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many symbolic links',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'is a directory',
  EEXIST: 'already exists',
  EIO: 'input/output error',
  EINVAL: 'invalid argument',
  EBADF: 'bad file descriptor',
};

export function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined) return PHRASES[code] ? `${PHRASES[code]} (${code})` : code;
  return String((error as Error | undefined)?.message ?? error).split('\n')[0]!;
}
