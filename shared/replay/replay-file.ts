/**
 * One event file through the chain, isolated: whatever throws while it is loaded, routed,
 * handled or reported (a file nested thousands of levels deep, text no encoder accepts) is that
 * file's problem only. It is reported as rejected, with the error's class and a reason that
 * never quotes the event, and a replay of many files goes on with the next one.
 */
import { relative } from 'node:path';
import type { Route } from '../rules/routes.js';
import { type ChainDependencies, InvocationError, runChain } from './chain.js';
import { describeSource } from './event-formats.js';
import { type LoadedEvent, loadEvent } from './load-events.js';
import { buildReport, type Crash, type EventReport, type ReportOptions } from './report.js';

export interface ReplayFileDependencies extends ChainDependencies {
  readonly routes: readonly Route[];
}

/**
 * Runtime messages that describe the failure without quoting data: they may be shown as they
 * are. Any other message may carry part of the event (a parser's excerpt, a value) and is not.
 */
const SAFE_MESSAGES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^Maximum call stack size exceeded$/, 'nested too deeply (the call stack ran out)'],
  [/^URI malformed$/, 'URI malformed (text that cannot be encoded, such as a lone UTF-16 surrogate)'],
  [/^Invalid string length$/, 'a string too long to build'],
  [/^Invalid array length$/, 'an array too long to build'],
  [/^replay stopped after \d+ invocations: the chain loops$/, 'the chain of functions loops'],
];

/** Where a replay step threw, what class of error, and why, in words that quote nothing from the event. */
export const describeCrash = (error: unknown, step: string): Crash => {
  const where = error instanceof InvocationError ? error.target : step;
  const cause = error instanceof InvocationError ? error.cause : error;
  const name = cause instanceof Error ? cause.name : typeof cause;
  // A class name is code's, unless an error was built from input: keep only a plain identifier.
  const errorClass = /^[A-Za-z][A-Za-z0-9_]{0,60}$/.test(name) ? name : 'Error';
  const message = cause instanceof Error ? cause.message : '';
  const known = SAFE_MESSAGES.find(([pattern]) => pattern.test(message));
  return { step: where, errorClass, reason: known ? known[1] : 'its message is not shown: it may quote the event' };
};

/**
 * The report of one file, and its rendering, never a throw: a step that throws turns the file
 * into a rejected report of its own (`crashed` says where and why). `load` reads the file
 * (the caller may pass what it already loaded, or the account's history).
 */
export const replayFile = async (
  file: string,
  deps: ReplayFileDependencies,
  options: ReportOptions & { readonly render: (report: EventReport) => string },
  load: (file: string) => LoadedEvent = loadEvent,
): Promise<{ report: EventReport; text: string }> => {
  let step = 'load';
  try {
    const loaded = load(file);
    step = 'routing';
    const built = loaded.event.ok
      ? buildReport(loaded.file, await runChain(loaded.event.value, deps), loaded.event.wrapped, options)
      : { event: loaded.file, matched: [], routes: [], findings: [], rejected: [loaded.event.problem] };
    const held = loaded.event.ok && Array.isArray(loaded.event.value) ? loaded.event.value.length : 1;
    const report: EventReport = {
      ...built,
      ...(loaded.source ? { source: describeSource(loaded.source) } : {}),
      ...(held > 1 ? { events: held } : {}),
    };
    step = 'report';
    return { report, text: options.render(report) };
  } catch (error) {
    const crashed = describeCrash(error, step);
    const report: EventReport = {
      event: relative(process.cwd(), file) || file,
      matched: [],
      routes: [],
      findings: [],
      rejected: [`${crashed.step} threw ${crashed.errorClass}: ${crashed.reason}; the replay went on with the next file`],
      crashed,
    };
    return { report, text: options.render(report) };
  }
};
