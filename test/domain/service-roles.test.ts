/** The service's role names: short enough everywhere, one per function, stage and region, and recognised exactly. */
import { describe, expect, it } from 'vitest';
import {
  FUNCTION_CODES,
  isServiceRoleName,
  MAX_ROLE_NAME_LENGTH,
  MAX_STAGE_LENGTH,
  regionCode,
  serviceRoleName,
  serviceRoleNames,
} from '../../shared/domain/service-roles.js';
import { functionNames } from '../../shared/contracts/functions.js';
import { everyRegion, regionsByPartition } from '../helpers/aws-partitions.js';

const LONGEST_STAGE = 'x'.repeat(MAX_STAGE_LENGTH);
const STAGES = ['dev', 'prod', 'staging', 'prod-eu', LONGEST_STAGE];

describe('Module: service-roles', () => {
  it('reads the regions of the commercial, China, GovCloud and ISO partitions from the SDK', () => {
    expect(Object.keys(regionsByPartition)).toEqual(expect.arrayContaining(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b']));
    expect(regionsByPartition.aws).toEqual(expect.arrayContaining(['us-east-1', 'ap-southeast-2']));
    expect(regionsByPartition['aws-us-gov']).toEqual(expect.arrayContaining(['us-gov-west-1']));
    expect(regionsByPartition['aws-cn']).toEqual(expect.arrayContaining(['cn-north-1']));
  });

  it.each(everyRegion.map(({ partition, region }) => [region, partition]))(
    'names every role in %s (%s) within 64 characters, for a stage of up to 16',
    (region) => {
      for (const fn of functionNames) {
        expect(serviceRoleName(fn, LONGEST_STAGE, region).length, fn).toBeLessThanOrEqual(MAX_ROLE_NAME_LENGTH);
      }
    },
  );

  it('gives every region a code of its own, in every partition', () => {
    const codes = everyRegion.map(({ region }) => regionCode(region));

    expect(new Set(codes).size).toBe(everyRegion.length);
  });

  it('gives every function a code of its own', () => {
    expect(new Set(Object.values(FUNCTION_CODES)).size).toBe(functionNames.length);
  });

  it('gives each function, stage and region a name of its own', () => {
    const names = STAGES.flatMap((stage) => everyRegion.flatMap(({ region }) => Object.values(serviceRoleNames(stage, region))));

    expect(new Set(names).size).toBe(STAGES.length * everyRegion.length * functionNames.length);
  });

  it('names the roles of ap-southeast-2 and GovCloud short and readable', () => {
    expect(serviceRoleName('clear-stale-pending', 'dev', 'ap-southeast-2')).toBe('secrets-remediator-dev-csp-apse2');
    expect(serviceRoleName('remove-public-statements', 'staging', 'us-gov-west-1')).toBe('secrets-remediator-staging-rps-usgovw1');
  });

  it.each(everyRegion.map(({ region }) => [region]))(
    'recognises every name it gives in %s, for every stage, and only in that region',
    (region) => {
      const elsewhere = region === 'us-east-1' ? 'us-west-2' : 'us-east-1';
      for (const stage of STAGES) {
        for (const name of Object.values(serviceRoleNames(stage, region))) {
          expect(isServiceRoleName(name, region), name).toBe(true);
          expect(isServiceRoleName(name, elsewhere), `${name} in ${elsewhere}`).toBe(false);
        }
      }
    },
  );

  it.each([
    ['a name that goes on after ours', 'secrets-remediator-dev-csp-use1-lambdaRole'],
    ['the name the framework would have generated', 'secrets-remediator-dev-clear-stale-pending-us-east-1-lambdaRole'],
    ['a function code we do not have', 'secrets-remediator-dev-xyz-use1'],
    ['another service', 'secrets-remediator2-dev-csp-use1'],
    ['no stage', 'secrets-remediator-csp-use1'],
    ['a stage longer than a deployment may have', `secrets-remediator-${'x'.repeat(MAX_STAGE_LENGTH + 1)}-csp-use1`],
    ['a stage with characters a deployment cannot have', 'secrets-remediator-dev_1-csp-use1'],
  ])('does not take %s for ours', (_label, name) => {
    expect(isServiceRoleName(name, 'us-east-1')).toBe(false);
  });

  it('refuses a stage too long for the role names, saying the limit', () => {
    expect(() => serviceRoleName('classify', 'x'.repeat(MAX_STAGE_LENGTH + 1), 'us-east-1')).toThrow(/at most 16/);
    expect(() => serviceRoleName('classify', 'dev/1', 'us-east-1')).toThrow(/letters, digits and hyphens/);
  });

  it('refuses a region that is not a region name', () => {
    expect(() => regionCode('us-east')).toThrow(/not an AWS region/);
    expect(isServiceRoleName('secrets-remediator-dev-csp-use1', 'nowhere')).toBe(false);
  });
});
