/**
 * Name globs of the policy file (`prod/*`, `arn:aws:iam::123456789012:role/AWSReservedSSO_Admin_*`):
 * `*` matches any run of characters, '/' included; every other character, regex specials too,
 * matches itself. Case-sensitive, as secret names and ARNs are.
 */

/**
 * Whether `value` matches `glob`, where `*` is the only wildcard.
 *
 * A two-pointer wildcard match rather than a RegExp: no escaping to get wrong, and linear-ish
 * time whatever the glob (a regex `a.*a.*a.*b` backtracks polynomially on a long name).
 *
 * @example
 * matchesGlob('prod/*', 'prod/a/b'); // true
 * matchesGlob('prod/*', 'production'); // false
 * matchesGlob('db.(main)', 'db.(main)'); // true: `.` and `(` are literal
 */
export const matchesGlob = (glob: string, value: string): boolean => {
  let g = 0;
  let v = 0;
  // Where the last `*` was in the glob, and where in the value it currently stops matching.
  let star = -1;
  let resumeAt = 0;
  while (v < value.length) {
    if (glob[g] === '*') {
      star = g++;
      resumeAt = v;
    } else if (g < glob.length && glob[g] === value[v]) {
      g++;
      v++;
    } else if (star !== -1) {
      // Let the last `*` swallow one more character and retry from just after it.
      g = star + 1;
      v = ++resumeAt;
    } else {
      return false;
    }
  }
  while (glob[g] === '*') g++;
  return g === glob.length;
};
