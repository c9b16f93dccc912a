/**
 * `secrets-remediator invoke <function> --event FILE`: one function, one event, as `sam local
 * invoke -e` or `serverless invoke local` would: the handler's answer as JSON, against the
 * sandbox account by default. Nothing else runs: what the function publishes is not routed on.
 */
import { existsSync } from 'node:fs';
import { Argument, Command } from 'commander';
import { functionNames, type FunctionName } from '../contracts/functions.js';
import { InvocationError, placeNamedBy } from '../replay/chain.js';
import { localContext } from '../replay/lambda-context.js';
import { loadEvent } from '../replay/load-events.js';
import { describeCrash } from '../replay/replay-file.js';
import { EXIT, UsageError } from './errors.js';
import { buildWorld, withWorldOptions, type WorldOptions } from './local-world.js';

interface Options extends WorldOptions {
  event: string;
}

export const invokeCommand = (): Command =>
  withWorldOptions(
    new Command('invoke')
      .description(
        "Invoke one function's handler with one event and print its answer as JSON, against the sandbox account (or a live one).",
      )
      .addArgument(new Argument('<function>', 'the function to invoke').choices(functionNames))
      .requiredOption(
        '-e, --event <file>',
        'the event to invoke it with: an EventBridge event, or a bare CloudTrail record (wrapped as EventBridge would)',
      ),
  )
    .addHelpText(
      'after',
      `
Exit codes: 0 the function handled the event, 1 it rejected the event (or threw), 2 usage error (unknown function, missing file, bad value, invalid policy, AWS setup).

Examples:
  secrets-remediator invoke classify --event events/rotation-failed/fires.RotationFailed.published-umccr.json
  secrets-remediator invoke classify -e events/secret-deleted/fires.DeleteSecret.authored.by-developer.json --verbose
  secrets-remediator invoke classify -e events/unused/fires.NON_COMPLIANT.authored.secret-unused.json --policy policy.yml --stage prod`,
    )
    .action(async (name: FunctionName, options: Options) => {
      process.exitCode = await runInvoke(name, options);
    });

export const runInvoke = async (name: FunctionName, options: Options): Promise<number> => {
  if (!existsSync(options.event))
    throw new UsageError(`--event ${options.event}: no such file; give an event file (e.g. one under events/)`);
  const loaded = loadEvent(options.event);
  if (!loaded.event.ok) throw new UsageError(`--event ${loaded.file}: ${loaded.event.problem}`);
  const { handlers, hub } = buildWorld(options);
  // Where the function runs: the hub in organisation mode, else where the event happened.
  const place = hub ?? placeNamedBy(loaded.event.value);
  let answer: unknown;
  try {
    answer = await handlers[name](structuredClone(loaded.event.value), localContext(name, place.account, place.region));
  } catch (error) {
    // Lambda's own shape for a function error; the reason never quotes the event.
    const crash = describeCrash(new InvocationError(name, { cause: error }), name);
    console.log(JSON.stringify({ errorType: crash.errorClass, errorMessage: crash.reason }, null, 2));
    return EXIT.findings;
  }
  console.log(JSON.stringify(answer ?? null, null, 2));
  return (answer as { status?: unknown } | undefined)?.status === 'rejected' ? EXIT.findings : EXIT.ok;
};
