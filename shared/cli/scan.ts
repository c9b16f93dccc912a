#!/usr/bin/env node
/**
 * Entry of `npm run scan`. The sweep's modules log through the functions' logger, whose level is
 * read when its module loads: silence it before anything imports it, so the terminal shows the
 * progress bar and the table, not JSON log lines.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
await import('./scan-command.js');
