/**
 * The sweep's handler module: the middy chain itself is run by the sweep use case's tests
 * (test/sweep/sweep-use-case*.test.ts); here, how the organisation sweep's ports are composed from
 * the raw ones the Lambda entry wires — each shard reads through the member read role of the stage.
 */
import { describe, expect, it } from 'vitest';
import { memberRoleArn } from '../../shared/domain/organisation-scope.js';
import { organisationSweepOf } from '../../shared/handlers/sweep.js';
import { SandboxSecretCounts } from '../../shared/sandbox/sandbox-secret-counts.js';
import type { MemberTarget } from '../../shared/ports/member-access.js';
import { MemoryOrganizations } from '../../shared/sandbox/memory-organizations.js';
import type { SweepReads } from '../../shared/sweep/run-sweep.js';
import { HUB, organisationPolicy } from '../helpers/organisation.js';

/** A member-reads port that records each target and answers a distinct stand-in per call. */
const recordingReads = () => {
  const targets: MemberTarget[] = [];
  return {
    targets,
    memberReads: (target: MemberTarget): Promise<SweepReads> => {
      targets.push(target);
      return Promise.resolve({ listSecrets: () => Promise.resolve({ secrets: [] }) } as unknown as SweepReads);
    },
  };
};

describe('Function: organisationSweepOf', () => {
  const policy = organisationPolicy();
  const accounts = new MemoryOrganizations({ id: 'r-a1b2', accounts: [] });

  it("reads a member's account-region through the stage's member read role, with the shard's session", async () => {
    // Prepare
    const { targets, memberReads } = recordingReads();
    const place = { account: '444455556666', region: 'eu-west-1' };

    // Act
    const ports = organisationSweepOf({ policy, stage: 'prod' }, { accounts, memberReads });
    await ports.readsFor({ hub: HUB, place, session: 'sweep-run-1' });

    // Assess
    expect(ports.accounts).toBe(accounts);
    expect(targets).toStrictEqual([
      { ...place, session: 'sweep-run-1', roleArn: memberRoleArn(policy.organisation, 'prod', 'read', place) },
    ]);
  });

  it("reads the hub's own account-region with the function's own credentials (no role to assume)", async () => {
    // Prepare
    const { targets, memberReads } = recordingReads();

    // Act
    await organisationSweepOf({ policy, stage: 'dev' }, { accounts, memberReads }).readsFor({
      hub: HUB,
      place: HUB,
      session: 'sweep-run-2',
    });

    // Assess
    expect(targets).toStrictEqual([{ ...HUB, session: 'sweep-run-2' }]);
  });

  it("counts a member's secrets for the census through the stage's read role, and wires no census without counts", async () => {
    // Prepare
    const { memberReads } = recordingReads();
    const secretCounts = new SandboxSecretCounts({ countIn: () => 12 });
    const place = { account: '444455556666', region: 'eu-west-1' };
    const window = { start: new Date('2026-11-25T06:00:00Z'), end: new Date('2026-11-25T12:00:00Z') };

    // Act
    const ports = organisationSweepOf({ policy, stage: 'prod' }, { accounts, memberReads, secretCounts });
    const count = await ports.secretCounts?.({ hub: HUB, place, session: 'sweep-run-3', window });

    // Assess
    expect(count).toBe(12);
    expect(secretCounts.calls).toStrictEqual([
      { target: { ...place, session: 'sweep-run-3', roleArn: memberRoleArn(policy.organisation, 'prod', 'read', place) }, window },
    ]);
    expect(organisationSweepOf({ policy, stage: 'prod' }, { accounts, memberReads }).secretCounts).toBeUndefined();
  });
});
