/**
 * Reads a policy document (YAML) for one stage: pure, so packaging, the cold start, the CLI and
 * the tests all judge a file the same way. See docs/policy.md.
 */
import { parse, YAMLParseError } from 'yaml';
import { PolicyError, type PolicySource } from './errors.js';
import { policyFromDocument } from './policy-document.js';
import type { Policy } from './schema.js';

/**
 * Reads a policy file's YAML and validates it for a stage (see `policyFromDocument`).
 */
export const parsePolicy = (text: string, options: PolicySource): Policy => policyFromDocument(readYaml(text, options), options);

/** The YAML document as data, for `policyFromDocument` or for the JSON the packaging ships. */
export const readYaml = (text: string, where: PolicySource): unknown => {
  try {
    // logLevel 'error': warnings (an unknown tag, say) would go to the console; this stays pure.
    return parse(text, { prettyErrors: true, logLevel: 'error' });
  } catch (error) {
    throw new PolicyError(where, [yamlProblem(error, text)], { cause: error });
  }
};

/** `line 3, column 9: Nested mappings are not allowed in compact mappings (in "foo: bar: baz")`. */
const yamlProblem = (error: unknown, text: string): string => {
  if (!(error instanceof YAMLParseError)) return `not valid YAML: ${error instanceof Error ? error.message : String(error)}`;
  // prettyErrors appends " at line L, column C:" and a snippet; keep the sentence, say where ourselves.
  const sentence = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const position = error.linePos?.[0];
  if (!position) return `not valid YAML: ${sentence}`;
  const line = (text.split(/\r?\n/)[position.line - 1] ?? '').trim();
  const near = line ? ` (in ${JSON.stringify(line.length > 60 ? `${line.slice(0, 59)}…` : line)})` : '';
  return `line ${position.line}, column ${position.col}: ${sentence}${near}`;
};
