// Whether problem lines get coloured severities: only on a terminal, so that
// what goes to a pipe or a file stays byte for byte the contract's
// `FILE:LINE:COL: severity CODE: message` lines. NO_COLOR (https://no-color.org:
// any non-empty value) turns it off, and so does FORCE_COLOR=0 or false, as
// in Node. Any other FORCE_COLOR does not colour a pipe: test runners and CI
// set it for their own logs, and tools parse warren's.
export function decideColour(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR?.toLowerCase();
  if (force === '0' || force === 'false') return false;
  return isTTY === true && env.TERM !== 'dumb';
}

/** For lines written to standard output or standard error. */
export function colourFor(stream: 'stdout' | 'stderr'): boolean {
  return decideColour(process[stream].isTTY, process.env);
}
