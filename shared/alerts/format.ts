/** Small text formats the alert channels and the replay report share. */
import type { VersionStages } from '../contracts/finding.js';

/**
 * Version stages in one line: `v1 [AWSCURRENT]; v3 [AWSPENDING]`.
 * @example
 * formatStages({ v1: ['AWSCURRENT'] }) // 'v1 [AWSCURRENT]'
 */
export const formatStages = (stages: VersionStages): string => {
  const entries = Object.entries(stages);
  return entries.length === 0 ? '(no labelled versions)' : entries.map(([id, labels]) => `${id} [${labels.join(', ')}]`).join('; ');
};

/** A shell argument as the CLI commands in next steps write it: quoted unless plainly safe. */
export const shellArg = (value: string): string => (/^[A-Za-z0-9/_+=.@:,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);
