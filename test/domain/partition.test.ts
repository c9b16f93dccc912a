/** The partition of every region the AWS SDK knows, as the SDK itself answers it. */
import { partition } from '@aws-sdk/core/client';
import { describe, expect, it } from 'vitest';
import { partitionOf } from '../../shared/domain/partition.js';
import { everyRegion } from '../helpers/aws-partitions.js';

describe('Function: partitionOf', () => {
  it.each(everyRegion.map(({ partition: id, region }) => [region, id]))('places %s in %s, as the SDK does', (region, id) => {
    expect(partitionOf(region)).toBe(id);
    expect(partitionOf(region)).toBe(partition(region).name);
  });

  it.each(['ap-southeast-9', 'cn-south-7', 'us-gov-central-3', 'us-isob-south-2'])(
    'places %s, a region the SDK does not list yet, where the SDK would',
    (region) => {
      expect(partitionOf(region)).toBe(partition(region).name);
    },
  );
});
