/**
 * Registers aws-sdk-client-mock-vitest's matchers (`toHaveReceivedCommandWith`, ...) on vitest's
 * `expect` and tells TypeScript about them. Import it for its side effect:
 * `import '../helpers/aws-matchers.js';`. Only the base names are registered (not the `toReceive...`
 * aliases), so only `BaseMatcher` is merged into vitest's `Matchers`.
 */
import { allCustomMatcher, type BaseMatcher } from 'aws-sdk-client-mock-vitest';
import { expect } from 'vitest';

expect.extend(allCustomMatcher);

declare module 'vitest' {
  // The type parameter must repeat vitest's own declaration (`Matchers<T = any>`) to merge with it.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends BaseMatcher<T> {}
}
