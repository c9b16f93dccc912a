/**
 * The sweep's IAM statements for organisation mode, as packaging takes them from the policy:
 * Organizations' listings and sts:AssumeRole on exactly the member read roles of the stage (one
 * per region guarded, in the organisation only); Denies when the mode is off; the reserved
 * concurrency the shards run at.
 */
import { describe, expect, it } from 'vitest';
import { sweepOrganisationStatements, sweepReservedConcurrency } from '../../shared/actions/iam-statements.js';
import { samplePolicy, singleAccountPolicy } from '../helpers/policy.js';
import { organisationPolicy } from '../helpers/organisation.js';

describe('sweepOrganisationStatements', () => {
  it('allows the listings and assuming the read role of each region guarded, in the organisation only', () => {
    // Act
    const statements = sweepOrganisationStatements(organisationPolicy({ regions: ['eu-west-1', 'us-east-1'] }), {
      stage: 'prod',
      region: 'eu-west-1',
    });

    // Assess
    expect(statements.listAccounts).toStrictEqual({
      Sid: 'ListOrganisationAccounts',
      Effect: 'Allow',
      Action: ['organizations:ListAccounts', 'organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'],
      Resource: '*',
    });
    expect(statements.assumeReadRoles).toStrictEqual({
      Sid: 'AssumeMemberReadRoles',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: [
        { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/secrets-remediator-member-prod-read-euw1' },
        { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/secrets-remediator-member-prod-read-use1' },
      ],
      Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } },
    });
  });

  it("takes the packaged region's read role when the policy lists no region", () => {
    // Act
    const statements = sweepOrganisationStatements(organisationPolicy({ regions: [] }), { stage: 'dev', region: 'ap-southeast-2' });

    // Assess
    expect(statements.assumeReadRoles.Resource).toStrictEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/secrets-remediator-member-dev-read-apse2' },
    ]);
  });

  it('denies both with organisation mode off', () => {
    // Act
    const statements = sweepOrganisationStatements(singleAccountPolicy, { stage: 'dev', region: 'us-east-1' });

    // Assess
    expect([statements.listAccounts.Effect, statements.assumeReadRoles.Effect]).toStrictEqual(['Deny', 'Deny']);
    expect(statements.assumeReadRoles.Resource).toBe('*');
  });
});

describe('sweepReservedConcurrency', () => {
  it("is one run at a time for the single account, and the policy's sweepConcurrency for an organisation", () => {
    // Assess
    expect(sweepReservedConcurrency({ organisation: { ...samplePolicy.organisation, enabled: false, sweepConcurrency: 80 } })).toBe(1);
    expect(sweepReservedConcurrency(organisationPolicy({ sweepConcurrency: 80 }))).toBe(80);
  });
});
