#!/usr/bin/env node
/**
 * Entry of the `secrets-remediator` executable (bin/secrets-remediator.mjs), `npm start` and
 * `npm run scan`. The functions' logger reads its level once, when its module loads, and the
 * middleware resets it on every invocation: so the level is set here, before anything imports
 * the logger. Silent unless `--verbose`, where the structured logs are what you want; the scan
 * keeps a level set in the environment.
 */
if (!process.argv.includes('--verbose')) {
  if (process.argv[2] === 'scan') process.env.POWERTOOLS_LOG_LEVEL ||= 'SILENT';
  else process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
}
// A reader that stops early (`| head -1`) closes the pipe: that ends the output, not in a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});
const { run } = await import('./program.js');
process.exitCode = await run(process.argv);
