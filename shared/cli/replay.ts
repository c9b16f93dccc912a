#!/usr/bin/env node
/**
 * Entry of `npm start`. The functions' logger reads its level once, when its module loads, and
 * the middleware resets it on every invocation; so the level is set here, before anything
 * imports the logger: silent unless `--verbose`, where the structured logs are what you want.
 */
if (!process.argv.includes('--verbose')) process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
await import('./replay-command.js');
