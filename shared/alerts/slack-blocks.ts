/**
 * The Slack rendering: a Block Kit message for an incoming webhook — a header, what happened,
 * the key facts as fields, what the service did, next steps, buttons to the console and the
 * CloudTrail event, and the finding id. Block shapes are checked against `@slack/types` (which
 * `@slack/webhook` brings) with `satisfies`; sizes against `SLACK_LIMITS`.
 */
import type { IncomingWebhookSendArguments } from '@slack/webhook';
import type { SlackMessage } from '../ports/notifier.js';
import type { DigestModel } from './digest.js';
import { SLACK_LIMITS, charLength, truncate } from './limits.js';
import type { AlertModel } from './model.js';
import { bold, code, digestSummaryMrkdwn, escapeMrkdwn, lineMrkdwn, severityEmoji, stepMrkdwn } from './mrkdwn.js';

type KnownBlock = NonNullable<IncomingWebhookSendArguments['blocks']>[number];
type HeaderBlock = Extract<KnownBlock, { type: 'header' }>;
type SectionBlock = Extract<KnownBlock, { type: 'section' }>;
type ContextBlock = Extract<KnownBlock, { type: 'context' }>;
type ActionsBlock = Extract<KnownBlock, { type: 'actions' }>;

/** A field's value is cut here: ten of them must leave room in the 40k message. */
const FIELD_VALUE_CHARS = 500;
/** At most this many sections for one list (what happened, next steps): the rest is in the email. */
const MAX_SECTIONS_PER_LIST = 3;
const CUT_NOTE = '… (cut: the email alert has it whole)';

export const header = (text: string) =>
  ({ type: 'header', text: { type: 'plain_text', text: truncate(text, SLACK_LIMITS.headerChars), emoji: true } }) satisfies HeaderBlock;

export const mrkdwnSection = (text: string) =>
  ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionChars, CUT_NOTE) } }) satisfies SectionBlock;

export const fieldsSection = (fields: readonly string[]) =>
  ({
    type: 'section',
    fields: fields
      .slice(0, SLACK_LIMITS.fields)
      .map((text) => ({ type: 'mrkdwn' as const, text: truncate(text, SLACK_LIMITS.fieldChars) })),
  }) satisfies SectionBlock;

export const context = (texts: readonly string[]) =>
  ({
    type: 'context',
    elements: texts
      .slice(0, SLACK_LIMITS.contextElements)
      .map((text) => ({ type: 'mrkdwn' as const, text: truncate(text, SLACK_LIMITS.contextChars) })),
  }) satisfies ContextBlock;

const buttons = (links: AlertModel['links']) =>
  ({
    type: 'actions',
    elements: links
      .filter((l) => l.url.length <= SLACK_LIMITS.buttonUrlChars)
      .slice(0, SLACK_LIMITS.actionsElements)
      .map((l, i) => ({
        type: 'button' as const,
        text: { type: 'plain_text' as const, text: truncate(l.label, SLACK_LIMITS.buttonTextChars) },
        url: l.url,
        action_id: `link-${i}`,
      })),
  }) satisfies ActionsBlock;

/**
 * Lines packed into as few sections as Slack's 3000 characters allow (a line longer than that is
 * cut), at most `maxSections`; past that, the last says the rest is in the email.
 */
export const packSections = (title: string, lines: readonly string[], maxSections = MAX_SECTIONS_PER_LIST): string[] => {
  const limit = SLACK_LIMITS.sectionChars;
  const sections: string[] = [];
  let current = title;
  for (const raw of lines) {
    const line = truncate(raw, limit - 1, CUT_NOTE);
    if (charLength(current) + 1 + charLength(line) > limit) {
      sections.push(current);
      current = line;
    } else {
      current = current === '' ? line : `${current}\n${line}`;
    }
  }
  if (current !== '') sections.push(current);
  if (sections.length <= maxSections) return sections;
  const kept = sections.slice(0, maxSections);
  kept[maxSections - 1] = truncate(`${kept[maxSections - 1] ?? ''}\n…`, limit - charLength(CUT_NOTE), '') + CUT_NOTE;
  return kept;
};

const field = (label: string, value: string): string => `${bold(label)}\n${truncate(value, FIELD_VALUE_CHARS)}`;

/** The Slack message for one alert. */
export const renderSlack = (model: AlertModel): SlackMessage => {
  const fields = [
    field('Secret', model.secret.named ? code(model.secret.label) : 'none named: about the caller'),
    field('Account / region', `${code(model.secret.account)} / ${code(model.secret.region)}`),
    field(model.who.foundBySweep ? 'Found by' : 'Who', escapeMrkdwn(model.who.description)),
    field(model.who.foundBySweep ? 'Checked at' : 'When', `${escapeMrkdwn(model.event.time)} (${escapeMrkdwn(model.event.name)})`),
    ...(model.who.sourceIp ? [field('Source IP', code(model.who.sourceIp))] : []),
    ...(model.who.userAgent ? [field('User agent', code(model.who.userAgent))] : []),
    ...(model.who.vpcEndpointId ? [field('VPC endpoint', code(model.who.vpcEndpointId))] : []),
    field('Outcome', escapeMrkdwn(model.action.headline)),
  ];
  const intro = `${bold(model.title)} (${code(model.rule)}, severity ${escapeMrkdwn(model.severity)}${model.control ? `, ${escapeMrkdwn(model.control)}` : ''})`;
  const blocks = [
    header(`${severityEmoji[model.severity] ?? ''} ${model.subject}`.trim()),
    ...packSections(intro, model.happened.map(lineMrkdwn)).map(mrkdwnSection),
    fieldsSection(fields),
    ...(model.dates.length > 0
      ? packSections(bold(model.who.foundBySweep ? 'Dates the sweep compared' : 'Dates'), model.dates.map(lineMrkdwn), 1).map(mrkdwnSection)
      : []),
    ...packSections(bold('What the service did'), model.action.lines.map(escapeMrkdwn), 1).map(mrkdwnSection),
    ...packSections(
      bold('Next steps'),
      model.nextSteps.map((step, i) => `${i + 1}. ${stepMrkdwn(step)}`),
    ).map(mrkdwnSection),
    ...(model.links.length > 0 ? [buttons(model.links)] : []),
    context([
      `finding ${code(model.findingId)}`,
      ...model.notes
        .slice(0, SLACK_LIMITS.contextElements - 1)
        .map((note) => `:warning: ${escapeMrkdwn(truncate(note, FIELD_VALUE_CHARS))}`),
    ]),
  ];
  return { text: fallbackText(`${model.subject} — ${model.title}; ${model.outcomeSummary}`), blocks };
};

/**
 * The Slack message of a digest, one however large the storm: what the findings share, the
 * counts, the first few, and the command that lists them all (the email has the whole list).
 */
export const renderDigestSlack = (model: DigestModel): SlackMessage => {
  const summary = digestSummaryMrkdwn(model);
  const intro = `${bold(model.title)} (${code(model.rule)}, severity ${escapeMrkdwn(model.severity)}): ${bold(model.findings)} in ${code(model.account)} / ${code(model.region)} between ${escapeMrkdwn(model.windowStart)} and ${escapeMrkdwn(model.windowEnd)}${summary.before ?? '.'}`;
  const blocks = [
    header(`${severityEmoji[model.severity] ?? ''} ${model.subject}`.trim()),
    mrkdwnSection(intro),
    ...packSections('', summary.shared, 1).map(mrkdwnSection),
    ...(summary.breakdowns.length > 0 ? [fieldsSection(summary.breakdowns.map((lines) => lines.join('\n')))] : []),
    ...packSections(bold(summary.more ? 'First findings' : 'Findings'), summary.items, 1).map(mrkdwnSection),
    // A section of its own: however long the names above, how many more is never cut.
    ...(summary.more ? [mrkdwnSection(summary.more)] : []),
    ...packSections(
      bold('Next steps'),
      model.nextSteps.map((step, i) => `${i + 1}. ${stepMrkdwn(step)}`),
      1,
    ).map(mrkdwnSection),
    context([`digest of ${code(model.rule)}`]),
  ];
  return { text: fallbackText(`${model.subject} — ${model.summary}`), blocks };
};

/** The notification text (and what clients without blocks show): escaped, one line. */
export const fallbackText = (text: string): string => truncate(escapeMrkdwn(text.replace(/[\r\n]+/g, ' ')), SLACK_LIMITS.fallbackTextChars);
