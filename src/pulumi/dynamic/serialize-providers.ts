// Build step (`npm run build`): serializes every dynamic provider of warren's
// library once, with the SDK's serializer, into SERIALIZED_PROVIDERS_FILE, so
// the program never does it at run time (dynamic-resource.ts says why). It
// refuses a provider whose code would capture a secret: that would put the
// secret into every resource's inputs.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { definedProviders, SERIALIZED_PROVIDERS_FILE, serializeProvider } from './dynamic-resource.js';

/** Each provider's code by type, from the modules the library entry loads. */
export async function serializeProviders(): Promise<Record<string, string>> {
  await import('../../index.js');
  const out: Record<string, string> = {};
  for (const [type, provider] of [...definedProviders()].sort(([a], [b]) => a.localeCompare(b))) {
    const { text, containsSecrets } = await serializeProvider(provider);
    if (containsSecrets) throw new Error(`the dynamic provider ${type} captures a secret`);
    out[type] = text;
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const providers = await serializeProviders();
  writeFileSync(SERIALIZED_PROVIDERS_FILE, `${JSON.stringify(providers, null, 1)}\n`);
  console.log(`wrote ${SERIALIZED_PROVIDERS_FILE} (${Object.keys(providers).length} providers)`);
}
