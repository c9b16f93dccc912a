/**
 * `npm run docs:rules`: writes the rule table of docs/rules.md from the catalogue
 * (shared/domain/catalogue.ts), between its `rule-table` markers, so the docs say what the code
 * does. A test fails when the file's table differs from the catalogue.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_EVENT } from '../shared/contracts/cloudtrail-event.js';
import { type Rule, rules, type Trigger } from '../shared/domain/catalogue.js';

export const RULES_DOC = join(fileURLToPath(new URL('..', import.meta.url)), 'docs', 'rules.md');
export const START = '<!-- rule-table:start -->';
export const END = '<!-- rule-table:end -->';

const triggerWords = (trigger: Trigger): string => {
  switch (trigger.source) {
    case 'cloudtrail':
      return `${trigger.eventNames.join(', ')}${trigger.detailType === SERVICE_EVENT ? ' (service event)' : ''}`;
    case 'denied-call':
      return `any call refused with ${trigger.errorCodePrefix}*`;
    case 'config':
      return `Config ${trigger.managedRules.join(', ')}`;
    case 'securityhub':
      return `Security Hub ${trigger.controls.join(', ')}`;
    case 'sweep':
      return 'sweep';
  }
};

/** A table cell: pipes escaped, one line. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

const mapsTo = (rule: Rule): string =>
  [rule.control, rule.practices && rule.practices.length > 0 ? `practice ${rule.practices.join('/')}` : undefined]
    .filter(Boolean)
    .join(', ') || '—';

/** The catalogue as a Markdown table: one row per rule, in the catalogue's order. */
export const ruleTable = (catalogue: readonly Rule[] = rules): string =>
  [
    '| rule | trigger | fires when | severity | control / practice | action |',
    '|---|---|---|---|---|---|',
    ...catalogue
      .map((rule) =>
        [
          `\`${rule.id}\``,
          rule.triggers.map(triggerWords).join('; '),
          rule.condition,
          rule.severity,
          mapsTo(rule),
          rule.actions[0] ?? 'alert',
        ]
          .map(cell)
          .join(' | '),
      )
      .map((row) => `| ${row} |`),
  ].join('\n');

/** The table between the markers of `doc`; an Error naming the missing marker when there is none. */
export const tableIn = (doc: string): string => {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/rules.md: no ${start < 0 ? START : END} marker; put both where the rule table goes`);
  return doc.slice(start + START.length, end).trim();
};

/** `doc` with the table between its markers replaced by `table`. */
export const withTable = (doc: string, table: string): string => {
  tableIn(doc); // checks the markers
  return `${doc.slice(0, doc.indexOf(START) + START.length)}\n${table}\n${doc.slice(doc.indexOf(END))}`;
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    writeFileSync(RULES_DOC, withTable(readFileSync(RULES_DOC, 'utf8'), ruleTable()));
    console.log(`docs/rules.md: rule table written (${rules.length} rules)`);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
  }
}
