/**
 * Every region of every AWS partition, from the partition table the AWS SDK ships
 * (@aws-sdk/core, the table its endpoint resolution reads), so the tests follow the SDK rather
 * than a list typed here. The table is not exported, so its module is read as the JSON it holds.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

interface PartitionsInfo {
  readonly partitions: readonly { readonly id: string; readonly regions: Readonly<Record<string, unknown>> }[];
}

const clientEntry = createRequire(import.meta.url).resolve('@aws-sdk/core/client');
const table = join(
  dirname(clientEntry),
  '..',
  '..',
  '..',
  'dist-es',
  'submodules',
  'client',
  'util-endpoints',
  'lib',
  'aws',
  'partitions.js',
);
const info = JSON.parse(
  readFileSync(table, 'utf8')
    .replace(/^\s*export const partitionsInfo\s*=\s*/, '')
    .replace(/;\s*$/, ''),
) as PartitionsInfo;

/** A region name, not a partition's global pseudo-region (`aws-global`, `aws-cn-global`). */
const REGION = /^[a-z]{2,}(-[a-z]+)+-\d+$/;

/** Region names by partition id (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, ...). */
export const regionsByPartition: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  info.partitions.map((p) => [p.id, Object.keys(p.regions).filter((region) => REGION.test(region))]),
);

/** Every region of every partition, with its partition. */
export const everyRegion: readonly { readonly partition: string; readonly region: string }[] = Object.entries(regionsByPartition).flatMap(
  ([partition, regions]) => regions.map((region) => ({ partition, region })),
);
