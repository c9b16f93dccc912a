/**
 * Storms: many findings of one rule within a window go out as one digest. This is the digest's
 * model, as `model.ts` is one alert's: every fact, redacted once, here, in plain text. It leads
 * with what the findings share (`common-cause.ts`: one caller, user agent, name prefix, rotation
 * function), then how they divide (counts by caller and by prefix), then the list.
 *
 * Only the email holds the whole list: it is split into parts when SNS's 256 KB forces it
 * (`render.ts` sizes them with the SNS message itself), each part a {@link DigestPart}. Slack
 * gets one message and Chatbot one document per email part: the summary, the counts, the first
 * few findings and the command that lists them all. The channel renderers (`plain-text.ts`,
 * `chatbot.ts`, `slack-blocks.ts`) render this model as they render an alert's.
 */
import type { ActionResult, Severity } from '../contracts/finding.js';
import { redactEventIdentifier, redactEventText } from '../contracts/hostile-text.js';
import { redactFreeText, redactIdentifier } from '../contracts/redact.js';
import { plural } from '../plural.js';
import type { Line, NextStep } from './advice.js';
import { type Breakdown, commonCauseOf, type CommonCause } from './common-cause.js';
import { shellArg } from './format.js';
import { CHATBOT_LIMITS } from './limits.js';
import { subjectFrom, threadIdOf } from './model.js';
import { KEEP_HELD_MS } from './storm.js';

/** One finding in a digest: enough for a line of the list, and for the common cause. */
export interface DigestItem {
  readonly findingId: string;
  /** The secret as its single alert names it (shared/alerts/model.ts `secretLabelOf`). */
  readonly secret: string;
  /** When the finding's event happened (ISO 8601). */
  readonly time: string;
  /** The outcome of its action, when it had one ('applied', 'planned', ...). */
  readonly outcome?: ActionResult['outcome'];
  /** One line: why it fired. */
  readonly reason: string;
  /** Who made the call; absent when there was none (the sweep) or it was held before digests kept it. */
  readonly caller?: string;
  readonly userAgent?: string;
  /** The rotation function the finding names (rotation rules). */
  readonly rotationFunction?: string;
}

/** Many findings of one rule within one window: sent as one digest. */
export interface Digest {
  readonly rule: string;
  readonly title: string;
  readonly severity: Severity;
  readonly account: string;
  readonly region: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly items: readonly DigestItem[];
  /** Alerts of the storm that went out one by one before these were held (`alerts.digestAfter`). */
  readonly sentBefore?: number;
  /** The command's words (unquoted) that list every held finding from the digest store. */
  readonly listCommand?: readonly string[];
}

/** How the findings divide by one fact, as lines (`500 findings: <value>`), when they divide at all. */
export interface DigestBreakdown {
  /** `By caller`, `By name prefix`. */
  readonly title: string;
  readonly lines: readonly Line[];
}

/** What every channel shows of a digest. Plain text, redacted, not yet escaped. */
export interface DigestModel extends Omit<Digest, 'items' | 'listCommand'> {
  /** Findings in the digest. */
  readonly count: number;
  /** `3 findings`. */
  readonly findings: string;
  /** Every item, redacted, in order: the email lists them all. */
  readonly items: readonly DigestItem[];
  /** What the items share and how they divide (the analysis behind `shared` and `breakdowns`). */
  readonly cause: CommonCause;
  /** What every finding shares, one labelled line each (empty: nothing). */
  readonly shared: readonly Line[];
  /** `What they share`, or for a digest of one finding `What it was`. */
  readonly sharedTitle: string;
  /** Counts where they do not share one caller or one prefix. */
  readonly breakdowns: readonly DigestBreakdown[];
  /** The one reason every finding gives: said once, and left off each line of the list. */
  readonly reason?: string;
  /** The first items, for the chat messages; the rest are `count - chatItems.length`. */
  readonly chatItems: readonly DigestItem[];
  /** The command that lists every held finding, quoted for a shell; absent when the store has none. */
  readonly listCommand?: string;
  readonly nextSteps: readonly NextStep[];
  readonly threadId: string;
  readonly keywords: readonly string[];
  /** `[MEDIUM] value-changed-by-hand: 995 findings (123456789012/us-east-1)`: Slack's header. */
  readonly subject: string;
  /** One line for previews and Slack's notification text: the count and the common cause. */
  readonly summary: string;
}

/** One email part of a digest: its share of the list, its subject and attributes. */
export interface DigestPart {
  readonly index: number;
  /** `1/1`, `2/3`: for attributes and Chatbot's context, present even for a single part. */
  readonly partOf: string;
  /** `part 2/3`; absent when the digest is one part. */
  readonly label?: string;
  /** The items it holds, `401–800`. */
  readonly range: string;
  readonly items: readonly DigestItem[];
  readonly subject: string;
  /** SNS message attributes, for subscription filter policies. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** Findings the chat messages name one by one; the command lists the rest. */
export const CHAT_ITEMS = 10;

const redactItem = (item: DigestItem): DigestItem => {
  const secret = redactIdentifier(item.secret);
  return {
    findingId: redactFreeText(item.findingId, [secret]),
    secret,
    time: redactFreeText(item.time),
    ...(item.outcome ? { outcome: item.outcome } : {}),
    reason: redactFreeText(item.reason, [secret]),
    // Stored claims: redacted again, as every string from an event is before it is shown.
    ...(item.caller ? { caller: redactEventIdentifier(item.caller) } : {}),
    ...(item.userAgent ? { userAgent: redactEventText(item.userAgent) } : {}),
    ...(item.rotationFunction ? { rotationFunction: redactEventIdentifier(item.rotationFunction) } : {}),
  };
};

/**
 * From the earliest to the latest of the items' event times (both included by LookupEvents): the
 * window is when the alerts were processed, and events can be minutes older. The window when no
 * item carries a time.
 */
const eventSpan = (
  items: readonly DigestItem[],
  windowStart: string,
  windowEnd: string,
): { readonly start: string; readonly end: string } => {
  const times = items.map((item) => Date.parse(item.time)).filter((time) => !Number.isNaN(time));
  if (times.length === 0) return { start: windowStart, end: windowEnd };
  // reduce, not Math.min(...times): a storm's digest can hold more items than a call has arguments.
  const first = times.reduce((a, b) => Math.min(a, b));
  const last = times.reduce((a, b) => Math.max(a, b));
  return { start: new Date(first).toISOString(), end: new Date(last).toISOString() };
};

/** What every finding shares, one line each. */
const sharedLines = (cause: CommonCause, reason: string | undefined): Line[] => [
  ...(cause.caller ? [{ label: 'Caller', value: cause.caller, code: true }] : []),
  // A service acting for itself gives its own name as agent: said once.
  ...(cause.userAgent && cause.userAgent !== cause.caller ? [{ label: 'User agent', value: cause.userAgent, code: true }] : []),
  ...(cause.secret
    ? [{ label: 'Secret', value: cause.secret, code: true }]
    : cause.prefix
      ? [{ label: 'Name prefix', value: cause.prefix, code: true }]
      : []),
  ...(cause.rotationFunction ? [{ label: 'Rotation function', value: cause.rotationFunction, code: true }] : []),
  ...(reason ? [{ label: 'Why each fired', value: reason }] : []),
];

const breakdownLines = (breakdown: Breakdown): Line[] => [
  ...breakdown.top.map((tally) => ({ label: plural(tally.count, 'finding'), value: tally.value, code: true })),
  ...(breakdown.otherGroups > 0 ? [`and ${breakdown.otherGroups} others: ${plural(breakdown.otherFindings, 'finding')}`] : []),
];

/** A breakdown says something when the findings divide into several groups, some of more than one. */
const divides = (breakdown: Breakdown): boolean => breakdown.top.length + breakdown.otherGroups > 1 && (breakdown.top[0]?.count ?? 0) > 1;

/** Counts by caller and by prefix, each only where the findings do not all share one and some do share. */
const breakdownsOf = (cause: CommonCause): DigestBreakdown[] => [
  ...(divides(cause.byCaller) ? [{ title: 'By caller', lines: breakdownLines(cause.byCaller) }] : []),
  ...(divides(cause.byPrefix) ? [{ title: 'By name prefix', lines: breakdownLines(cause.byPrefix) }] : []),
];

/** The common cause in a few words, for the summary line. */
const causeWords = (cause: CommonCause): string => {
  const words = [
    ...(cause.caller ? [`all by ${cause.caller}`] : []),
    ...(cause.secret ? [`all on ${cause.secret}`] : cause.prefix ? [`all under ${cause.prefix}`] : []),
    ...(cause.rotationFunction ? [`all with ${cause.rotationFunction}`] : []),
  ];
  return words.length > 0 ? `; ${words.join(', ')}` : '';
};

/** When the digest store forgets the window's findings (they are held that long after it ends). */
const keptUntil = (windowEnd: string): string => {
  const end = Date.parse(windowEnd);
  return Number.isNaN(end) ? '7 days after the window' : new Date(end + KEEP_HELD_MS).toISOString();
};

const digestSteps = (
  items: readonly DigestItem[],
  shared: boolean,
  where: { region: string; windowStart: string; windowEnd: string },
  listCommand: string | undefined,
): NextStep[] => {
  const { region, windowStart, windowEnd } = where;
  const span = eventSpan(items, windowStart, windowEnd);
  return [
    ...(listCommand
      ? [
          {
            text: `List every finding held for this digest, as JSON, from the digest table (until ${keptUntil(windowEnd)})`,
            command: listCommand,
          },
        ]
      : []),
    {
      text: shared
        ? 'Start from what they share: the caller and its credentials, the script or deploy behind the user agent, the rotation function.'
        : 'Look for one cause behind them all: the largest callers and prefixes in the counts, the same deploy, the same rotation function or policy change.',
    },
    {
      text: "List the Secrets Manager events from the first finding's event to the last one's",
      command: `aws cloudtrail lookup-events --region ${shellArg(region)} --start-time ${shellArg(span.start)} --end-time ${shellArg(span.end)} --lookup-attributes AttributeKey=EventSource,AttributeValue=secretsmanager.amazonaws.com`,
    },
  ];
};

/**
 * The model of a digest: what its findings share, how they divide, every item (redacted, in
 * order), next steps. Parts are cut from it by {@link digestParts}.
 * @example
 * const model = buildDigestModel(digest);
 * renderDigestSlack(model);
 */
export const buildDigestModel = (digest: Digest): DigestModel => {
  const account = redactFreeText(digest.account) || 'unknown-account';
  const region = redactFreeText(digest.region) || 'unknown-region';
  const windowStart = redactFreeText(digest.windowStart);
  const windowEnd = redactFreeText(digest.windowEnd);
  const items = digest.items.map(redactItem);
  const count = items.length;
  const findings = plural(count, 'finding');
  const cause = commonCauseOf(items);
  const [first] = items;
  const reason = first && count > 1 && items.every((item) => item.reason === first.reason) ? first.reason : undefined;
  const listCommand = digest.listCommand?.map(shellArg).join(' ');
  const shared = sharedLines(cause, reason);
  return {
    rule: digest.rule,
    title: digest.title,
    severity: digest.severity,
    account,
    region,
    windowStart,
    windowEnd,
    ...(digest.sentBefore ? { sentBefore: digest.sentBefore } : {}),
    count,
    findings,
    items,
    cause,
    shared,
    sharedTitle: count > 1 ? 'What they share' : 'What it was',
    breakdowns: breakdownsOf(cause),
    ...(reason ? { reason } : {}),
    chatItems: items.slice(0, CHAT_ITEMS),
    ...(listCommand ? { listCommand } : {}),
    nextSteps: digestSteps(items, shared.length > 0 && count > 1, { region, windowStart, windowEnd }, listCommand),
    threadId: threadIdOf(account, region, `digest/${digest.rule}`),
    keywords: [digest.severity.toUpperCase(), digest.rule, 'digest', account, region].filter(
      (k) => k.length <= CHATBOT_LIMITS.keywordChars,
    ),
    subject: subjectFrom(digest.severity, digest.rule, findings, account, region),
    summary: `${digest.title}: ${findings} of ${digest.rule} in ${account}/${region} between ${windowStart} and ${windowEnd}${causeWords(cause)}`,
  };
};

/**
 * Part `index` of `total` of `model`'s email, holding `items`, the first being item number
 * `first` (0-based) of the digest.
 */
export const digestPart = (model: DigestModel, index: number, total: number, first: number, items: readonly DigestItem[]): DigestPart => {
  const label = total > 1 ? `part ${index + 1}/${total}` : undefined;
  const partOf = `${index + 1}/${total}`;
  return {
    index,
    partOf,
    ...(label ? { label } : {}),
    range: `${first + 1}–${first + items.length}`,
    items,
    subject: subjectFrom(model.severity, model.rule, `${model.findings}${label ? `, ${label}` : ''}`, model.account, model.region),
    attributes: {
      severity: model.severity,
      rule: model.rule,
      account: model.account,
      region: model.region,
      secret: 'digest',
      findings: String(model.count),
      part: partOf,
    },
  };
};

/**
 * The email parts of `model`: `sizes[i]` items in part `i`, in order (every item in exactly one
 * part). `render.ts` chooses the sizes so that each part fits SNS.
 */
export const digestParts = (model: DigestModel, sizes: readonly number[]): DigestPart[] => {
  let first = 0;
  return sizes.map((size, index) => {
    const part = digestPart(model, index, sizes.length, first, model.items.slice(first, first + size));
    first += size;
    return part;
  });
};
