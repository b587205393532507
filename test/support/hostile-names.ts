// Names made to break identities and name-keyed objects: every separator an
// id or a key uses, prototype names (`__proto__`, `constructor`…), the key
// Pulumi's wire reserves, non-ASCII and line breaks. Shared by the property
// tests of names (plan ids, binding identity, the whole pipeline).
import fc from 'fast-check';

export const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** Names mixing every separator an id or a key uses, prototype names, non-ASCII and newlines. */
export const hostileName = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '%__proto__',
    '4dabf18193072939515e22adb298388d',
    'a::b',
    ':',
    '',
  ),
  fc.string({
    unit: fc.constantFrom(
      'a',
      'b',
      '/',
      '%',
      '>',
      ':',
      '[',
      ']',
      '{',
      '}',
      '"',
      ' ',
      ',',
      '-',
      '->',
      '%2F',
      '%25',
      '%3A',
      '%3E',
      '%5B',
      '%5D',
      'queue:',
      'binding',
      'é',
      '😀',
      '\n',
    ),
    maxLength: 8,
  }),
);
