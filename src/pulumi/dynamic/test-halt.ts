// The tests' way to stop a provider in the middle of its work, as a killed
// `pulumi up` would: when WARREN_TEST_HALT_AFTER names this point, the
// provider writes it to WARREN_TEST_HALT_FILE (the test waits for it, then
// kills the engine) and waits forever. Unset, it costs a comparison.
export async function halt(point: string): Promise<void> {
  if (process.env.WARREN_TEST_HALT_AFTER !== point) return;
  const file = process.env.WARREN_TEST_HALT_FILE;
  const fs = process.getBuiltinModule('node:fs') as typeof import('node:fs');
  if (file) fs.appendFileSync(file, `${point}\n`);
  await new Promise(() => {});
}
