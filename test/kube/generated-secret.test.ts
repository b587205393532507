// The generated secret's lifecycle, through its dynamic provider directly: made
// once, kept across updates and refreshes, new only when its length changes.
import { describe, expect, it } from 'vitest';
import { generatedSecretProvider as provider } from '../../src/pulumi/kubernetes/generated-secret.js';

describe('GeneratedSecret', () => {
  it('creates random base64url values of the asked length, a different one each time', async () => {
    const a = await provider.create({ bytes: 32 });
    const b = await provider.create({ bytes: 32 });
    expect(a.outs.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.outs.value).not.toBe(b.outs.value);
    expect(a.id).not.toBe(b.id);
  });

  it('sees no change when a later run asks for the same thing, so the value is never made again', async () => {
    const created = await provider.create({ bytes: 32 });
    // The second run: Pulumi diffs the stored state against the program's inputs (which carry no value).
    const diff = await provider.diff!(created.id, created.outs, { bytes: 32 });
    expect(diff.changes).toBe(false);
    expect(diff.replaces).toEqual([]);
  });

  it('keeps the value on update and on refresh', async () => {
    const created = await provider.create({ bytes: 32 });
    const updated = await provider.update!(created.id, created.outs, { bytes: 32 });
    expect(updated.outs!.value).toBe(created.outs.value);
    const read = await provider.read!(created.id, created.outs);
    expect(read.props!.value).toBe(created.outs.value);
  });

  it('is replaced (a new value) only when a different length is asked for', async () => {
    const created = await provider.create({ bytes: 32 });
    const diff = await provider.diff!(created.id, created.outs, { bytes: 48 });
    expect(diff).toMatchObject({ changes: true, replaces: ['bytes'] });
  });
});
