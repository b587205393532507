// toolchain/install-pod-runtime.sh's images.json: per image, the reference a
// pod spec names and the OCI archive the node's containerd imports. The pause
// image is the sandbox image.
import { readFileSync } from 'node:fs';
import { fail } from './log.js';

export interface Image {
  readonly ref: string;
  readonly archive: string;
}

const RERUN = 'run toolchain/install-pod-runtime.sh';

export function parseImages(text: string, file: string): Record<string, Image> & { pause: Image } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    fail(`${file} is not JSON: ${RERUN}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    fail(`${file} is not an object of images: ${RERUN}`);
  for (const [name, image] of Object.entries(data)) {
    const { ref, archive } = (image ?? {}) as Partial<Image>;
    if (typeof ref !== 'string' || !/^\S+$/.test(ref))
      fail(`${file}: ${name} has no image reference ("ref"): ${RERUN}`);
    if (typeof archive !== 'string' || archive === '') fail(`${file}: ${name} has no "archive": ${RERUN}`);
  }
  if (!('pause' in data)) fail(`${file} lists no pause image: ${RERUN}`);
  return data as Record<string, Image> & { pause: Image };
}

export function readImages(file: string): Record<string, Image> & { pause: Image } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail(`cannot read ${file} (${(error as Error).message}): ${RERUN}`);
  }
  return parseImages(text, file);
}

/** The reference without its tag, as `ctr images import --base-name` takes it. */
export const baseName = (ref: string) =>
  ref.lastIndexOf(':') > ref.lastIndexOf('/') ? ref.slice(0, ref.lastIndexOf(':')) : ref;
