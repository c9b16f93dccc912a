/**
 * The AWS partition of a region (`aws`, `aws-cn`, `aws-us-gov`, the ISO partitions, ...), for
 * ARNs an event does not spell out. Pure: the domain does not load the AWS SDK, so its partition
 * table's region patterns are restated here, and a test checks every region the SDK lists
 * against the SDK's own answer.
 */

/** Region patterns of the partitions other than `aws`, as the SDK's partition table states them. */
const PARTITIONS: readonly (readonly [RegExp, string])[] = [
  [/^cn-\w+-\d+$/, 'aws-cn'],
  [/^us-gov-\w+-\d+$/, 'aws-us-gov'],
  [/^us-iso-\w+-\d+$/, 'aws-iso'],
  [/^us-isob-\w+-\d+$/, 'aws-iso-b'],
  [/^eu-isoe-\w+-\d+$/, 'aws-iso-e'],
  [/^us-isof-\w+-\d+$/, 'aws-iso-f'],
  [/^eusc-de-\w+-\d+$/, 'aws-eusc'],
];

/** The partition `region` belongs to; `aws`, as the SDK answers, for any other name. */
export const partitionOf = (region: string): string => PARTITIONS.find(([pattern]) => pattern.test(region))?.[1] ?? 'aws';
