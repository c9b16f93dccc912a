/**
 * Local EventBridge event-pattern matcher.
 *
 * Lets us route events in tests, replays and local runs through the very same JSON patterns
 * that CloudFormation hands to EventBridge, so a pattern that works locally works in AWS.
 *
 * Hand-written because no maintained npm library implements EventBridge matching; AWS's own
 * implementation is the Java library aws/event-ruler. Semantics follow the EventBridge user
 * guide ("Event patterns", "Content filtering", "Comparison operators") and, where the guide is
 * silent, the event-ruler README. The whole pattern is validated before the event is looked at,
 * so a bad pattern throws even when an earlier alternative would already have matched.
 */
import { BlockList, isIP } from 'node:net';

/** An EventBridge event pattern as stored in JSON (the same object CloudFormation gets). */
export type EventPattern = { readonly [key: string]: unknown };

/** Thrown for a pattern this matcher does not understand, so a typo never silently matches nothing. */
export class UnsupportedPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedPatternError';
  }
}

/**
 * True when `event` matches `pattern` under EventBridge semantics.
 *
 * Supported: exact values (string, number, boolean, null), `prefix`, `suffix` (both also with
 * `equals-ignore-case`), `equals-ignore-case`, `wildcard`, `anything-but` (value, list, or
 * `prefix` / `suffix` / `equals-ignore-case` / `wildcard`), `exists`, `numeric`, `cidr`
 * (IPv4 and IPv6) and `$or`.
 *
 * @param pattern - the event pattern, e.g. parsed from a `*.pattern.json` file
 * @param event - any value; anything other than a JSON object simply does not match
 * @returns whether EventBridge would deliver `event` to a rule with this pattern
 * @throws UnsupportedPatternError when the pattern uses an operator or shape this matcher does not implement
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return compilePattern(pattern)(event);
}

/**
 * `matchesPattern` with the pattern validated and compiled once, for matching many events (the
 * bench pushes a million through one pattern).
 *
 * @throws UnsupportedPatternError as `matchesPattern` does, at once
 */
export function compilePattern(pattern: EventPattern): (event: unknown) => boolean {
  const matcher = compileObject(pattern, '');
  return (event) => isJsonObject(event) && matcher(event);
}

/** A JSON scalar: the only kind of value a pattern leaf is compared with. */
type Scalar = string | number | boolean | null;
/** Tests the event value found where a pattern object sits (undefined when the field is missing). */
type NodeMatcher = (value: unknown) => boolean;
/** Tests all the leaf values found at one field of the event. */
type LeafMatcher = (leaves: readonly Scalar[]) => boolean;
/** Tests one leaf value. */
type ValueTest = (leaf: Scalar) => boolean;

const NUMERIC_OPERATORS: Readonly<Record<string, (left: number, right: number) => boolean>> = {
  '=': (left, right) => left === right,
  '<': (left, right) => left < right,
  '<=': (left, right) => left <= right,
  '>': (left, right) => left > right,
  '>=': (left, right) => left >= right,
};

function compileObject(pattern: unknown, path: string): NodeMatcher {
  if (!isJsonObject(pattern)) throw unsupported(path, `a pattern must be an object, got ${describe(pattern)}`);
  const entries = Object.entries(pattern);
  // EventBridge rejects an empty pattern; locally it would match everything, which is never what was meant.
  if (entries.length === 0) throw unsupported(path, 'a pattern object must not be empty');

  const fieldMatchers = entries.map(([key, value]): NodeMatcher => {
    if (key === '$or') return compileOr(value, path);
    const fieldPath = path === '' ? key : `${path}.${key}`;
    const matcher = Array.isArray(value) ? compileLeaf(value, fieldPath) : compileObject(value, fieldPath);
    return (node) => matcher(isJsonObject(node) && Object.hasOwn(node, key) ? node[key] : undefined);
  });
  const matchesAllFields: NodeMatcher = (node) => fieldMatchers.every((matches) => matches(node));

  // An array of objects: the nested pattern must match within ONE element (event-ruler's
  // "array-consistent" matching), not pick fields from different elements.
  return (node) => (Array.isArray(node) && node.length > 0 ? node.some((element) => matchesAllFields(element)) : matchesAllFields(node));
}

function compileOr(value: unknown, path: string): NodeMatcher {
  // event-ruler only treats "$or" as the OR primitive for an array of two or more objects.
  if (!Array.isArray(value) || value.length < 2) {
    throw unsupported(path, `"$or" must be an array of at least two patterns, got ${describe(value)}`);
  }
  const branches = value.map((branch) => compileObject(branch, path));
  return (node) => branches.some((matches) => matches(node));
}

function compileLeaf(alternatives: readonly unknown[], path: string): NodeMatcher {
  if (alternatives.length === 0) throw unsupported(path, 'a pattern leaf must list at least one alternative');
  const matchers = alternatives.map((alternative) => compileAlternative(alternative, path));
  return (value) => {
    const leaves = leafValues(value);
    return matchers.some((matches) => matches(leaves));
  };
}

/**
 * The scalar values EventBridge compares at one field: the value itself, or every scalar in an
 * array (so an array field matches when ANY element does). Objects are not leaves, and a missing
 * field has none.
 */
function leafValues(value: unknown): Scalar[] {
  if (Array.isArray(value)) return value.flatMap((element) => leafValues(element));
  return isScalar(value) ? [value] : [];
}

function compileAlternative(alternative: unknown, path: string): LeafMatcher {
  // Strict equality is exactly right for JSON scalars: 300 === 3.0e2, "300" !== 300, null !== "".
  if (isScalar(alternative)) return (leaves) => leaves.includes(alternative);
  if (!isJsonObject(alternative)) throw unsupported(path, `unsupported alternative ${describe(alternative)}`);

  const [operator, argument] = singleEntry(alternative, path);
  if (operator === 'exists') {
    if (typeof argument !== 'boolean') throw unsupported(path, '"exists" takes true or false');
    // Exists looks at leaves only (event-ruler README): a field holding an object or an empty
    // array has no leaf, so it counts as absent; a null is a leaf, so it counts as present.
    return (leaves) => leaves.length > 0 === argument;
  }
  const test = compileValueTest(operator, argument, path);
  return (leaves) => leaves.some(test);
}

function compileValueTest(operator: string, argument: unknown, path: string): ValueTest {
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return compileAffix(operator, argument, path);
    case 'equals-ignore-case':
      return compileEqualsIgnoreCase(requireString(argument, operator, path));
    case 'wildcard':
      return compileWildcard(requireString(argument, operator, path), path);
    case 'anything-but':
      return compileAnythingBut(argument, path);
    case 'numeric':
      return compileNumeric(argument, path);
    case 'cidr':
      return compileCidr(argument, path);
    default:
      throw unsupported(path, `unsupported operator "${operator}"`);
  }
}

function compileAffix(operator: 'prefix' | 'suffix', argument: unknown, path: string): ValueTest {
  const hasAffix = (value: string, affix: string): boolean => (operator === 'prefix' ? value.startsWith(affix) : value.endsWith(affix));
  if (typeof argument === 'string') return (leaf) => typeof leaf === 'string' && hasAffix(leaf, argument);

  if (isJsonObject(argument)) {
    const [inner, innerArgument] = singleEntry(argument, path);
    if (inner === 'equals-ignore-case' && typeof innerArgument === 'string') {
      const affix = foldCase(innerArgument);
      return (leaf) => typeof leaf === 'string' && hasAffix(foldCase(leaf), affix);
    }
  }
  throw unsupported(path, `"${operator}" takes a string or {"equals-ignore-case": string}, got ${describe(argument)}`);
}

function compileEqualsIgnoreCase(expected: string): ValueTest {
  const folded = foldCase(expected);
  return (leaf) => typeof leaf === 'string' && foldCase(leaf) === folded;
}

/**
 * `*` matches any run of characters (including none); `\*` is a literal star and `\\` a literal
 * backslash. Like EventBridge, consecutive stars and any other escape are rejected.
 */
function compileWildcard(wildcard: string, path: string): ValueTest {
  let source = '';
  for (let index = 0; index < wildcard.length; index += 1) {
    const char = wildcard.charAt(index);
    if (char === '\\') {
      const escaped = wildcard.charAt(index + 1);
      if (escaped !== '*' && escaped !== '\\') throw unsupported(path, `invalid escape in wildcard "${wildcard}"`);
      source += escapeRegExp(escaped);
      index += 1;
    } else if (char === '*') {
      if (wildcard.charAt(index + 1) === '*') throw unsupported(path, `consecutive "*" in wildcard "${wildcard}"`);
      source += '.*';
    } else {
      source += escapeRegExp(char);
    }
  }
  const regExp = new RegExp(`^${source}$`, 'su');
  return (leaf) => typeof leaf === 'string' && regExp.test(leaf);
}

/**
 * Matches a value that is NOT what the argument describes. It still needs a value: EventBridge
 * (event-ruler) only evaluates fields present in the event, so a missing field, or one holding an
 * object, matches no anything-but. That falls out of `compileAlternative` (`leaves.some` on no
 * leaves); combine with `{"exists": false}` in the same leaf to also accept a missing field.
 * Against an array, it matches when ANY element is not excluded, as with every other operator.
 */
function compileAnythingBut(argument: unknown, path: string): ValueTest {
  if (typeof argument === 'string' || typeof argument === 'number') return (leaf) => leaf !== argument;
  if (Array.isArray(argument)) {
    const allStrings = argument.every((item) => typeof item === 'string');
    const allNumbers = argument.every((item) => typeof item === 'number');
    if (argument.length > 0 && (allStrings || allNumbers)) {
      const excluded: readonly unknown[] = argument;
      return (leaf) => !excluded.includes(leaf);
    }
  }
  if (isJsonObject(argument)) {
    const excluded = compileAnythingButOperator(argument, path);
    return (leaf) => !excluded(leaf);
  }
  throw unsupported(
    path,
    `"anything-but" takes a string, a number, a list of only strings or only numbers, or an operator; got ${describe(argument)}`,
  );
}

/** The operators allowed inside anything-but; equals-ignore-case and wildcard also take a list. */
function compileAnythingButOperator(argument: Record<string, unknown>, path: string): ValueTest {
  const [operator, operand] = singleEntry(argument, path);
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return compileAffix(operator, requireString(operand, `anything-but ${operator}`, path), path);
    case 'equals-ignore-case':
    case 'wildcard': {
      const values = Array.isArray(operand) && operand.length > 0 ? operand : [operand];
      const tests = values.map((value) => {
        const text = requireString(value, `anything-but ${operator}`, path);
        return operator === 'wildcard' ? compileWildcard(text, path) : compileEqualsIgnoreCase(text);
      });
      return (leaf) => tests.some((test) => test(leaf));
    }
    default:
      throw unsupported(path, `unsupported operator "${operator}" inside "anything-but"`);
  }
}

/** `["op", number, ...]` pairs, all of which must hold; only JSON numbers can match. */
function compileNumeric(argument: unknown, path: string): ValueTest {
  if (!Array.isArray(argument) || argument.length === 0 || argument.length % 2 !== 0) {
    throw unsupported(path, `"numeric" takes ["op", number] pairs, got ${describe(argument)}`);
  }
  const conditions: Array<(value: number) => boolean> = [];
  for (let index = 0; index < argument.length; index += 2) {
    const operator: unknown = argument[index];
    const bound: unknown = argument[index + 1];
    const compare = typeof operator === 'string' ? NUMERIC_OPERATORS[operator] : undefined;
    if (compare === undefined || typeof bound !== 'number' || !Number.isFinite(bound)) {
      throw unsupported(path, `"numeric" has an invalid pair ${describe(operator)}, ${describe(bound)}`);
    }
    conditions.push((value) => compare(value, bound));
  }
  return (leaf) => typeof leaf === 'number' && conditions.every((holds) => holds(leaf));
}

/** IPv4 or IPv6 CIDR block; only a string holding an address of the same family can match. */
function compileCidr(argument: unknown, path: string): ValueTest {
  const parts = typeof argument === 'string' ? /^([^/]+)\/(\d{1,3})$/u.exec(argument) : null;
  const address = parts?.[1] ?? '';
  const family = isIP(address);
  const prefixLength = Number(parts?.[2]);
  if (family === 0 || prefixLength > (family === 4 ? 32 : 128)) {
    throw unsupported(path, `"cidr" takes an IPv4 or IPv6 block such as "10.0.0.0/24", got ${describe(argument)}`);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const block = new BlockList();
  block.addSubnet(address, prefixLength, type);
  // check() answers false for anything that is not an address of `type`, e.g. "::ffff:10.0.0.1" against an IPv4 block.
  return (leaf) => typeof leaf === 'string' && block.check(leaf, type);
}

function singleEntry(operatorObject: Record<string, unknown>, path: string): [string, unknown] {
  const entries = Object.entries(operatorObject);
  const [entry] = entries;
  if (entries.length !== 1 || entry === undefined) {
    throw unsupported(path, `an operator object must have exactly one key, got ${describe(operatorObject)}`);
  }
  return entry;
}

function requireString(value: unknown, operator: string, path: string): string {
  if (typeof value !== 'string') throw unsupported(path, `"${operator}" takes a string, got ${describe(value)}`);
  return value;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is Scalar {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Case-insensitive comparison by lower-casing both sides (locale-independent). */
function foldCase(text: string): string {
  return text.toLowerCase();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/gu, '\\$&');
}

function describe(value: unknown): string {
  // JSON.stringify returns undefined for undefined and functions, whatever its typings say.
  const text: string | undefined = JSON.stringify(value);
  return text ?? typeof value;
}

function unsupported(path: string, problem: string): UnsupportedPatternError {
  return new UnsupportedPatternError(`${problem} at ${path === '' ? 'the pattern root' : `"${path}"`}`);
}
