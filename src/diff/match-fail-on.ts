// `warren diff --fail-on CLASS`: which changes make the command exit 3.
// `disruptive` includes data-losing (it is the stronger class); `access`
// is the mark of changes that widen who may do what, whatever their class;
// `migration` matches the queue migrations a stack allows (they are disruptive).
import type { Change } from './diff-plans.js';

export const FAIL_ON = ['data-losing', 'disruptive', 'access', 'migration'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export function matchesFailOn(change: Change, on: readonly FailOn[]): boolean {
  return on.some((f) =>
    f === 'access'
      ? change.access
      : f === 'migration'
        ? change.migration === true
        : f === 'data-losing'
          ? change.class === 'data-losing'
          : change.class !== 'safe',
  );
}
