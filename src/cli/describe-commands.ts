// What the commands offer, as data the command line is built from.

/** `validate --format`: the contract's text and json, and annotations for CI (github, sarif). */
export const VALIDATE_FORMATS = ['text', 'json', 'github', 'sarif'] as const;
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];
