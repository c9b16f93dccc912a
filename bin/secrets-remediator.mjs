#!/usr/bin/env node
// `npx secrets-remediator ...`: the TypeScript CLI through tsx's loader, so it runs from a
// checkout or an installed package without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../shared/cli/main.ts');
