/**
 * Many findings about one secret in one window are one incident: its key, and the count of the
 * findings folded into it, over the sandbox's ledger.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/contracts/finding.js';
import {
  countedIntoIncident,
  countIntoIncident,
  foldIntoIncidents,
  incidentKey,
  incidentScopeOf,
  INCIDENT_SCOPES,
} from '../../shared/domain/incidents.js';
import { MemoryLedger } from '../../shared/sandbox/memory-ledger.js';
import { findingFromRecord } from '../helpers/records.js';
import { FIXED_NOW } from '../helpers/sandbox.js';

const SECRET = { account: '123456789012', region: 'us-east-1', name: 'prod/payments/db', id: 'prod/payments/db' };
const HOUR = INCIDENT_SCOPES['deleted-secret-in-use'];

/** A real finding (classified from a sample), as the incident's finding of `id`, raised at `time`. */
const base = findingFromRecord('rotation-failed/fires.RotationFailed.published-umccr.json', 'rotation-failed');
const findingAt = (id: string, time: string): Finding => ({ ...base, id, event: { ...base.event, time } });

describe('Function: incidentKey', () => {
  it('names the secret by account, region and name, and the start of the window the time falls in', () => {
    expect(incidentKey(SECRET, new Date('2026-11-25T12:34:56Z'), HOUR)).toBe(
      '123456789012/us-east-1/prod/payments/db/2026-11-25T12:00:00.000Z',
    );
  });

  it('gives every time of one window the same key, and the next window another', () => {
    // Act
    const first = incidentKey(SECRET, new Date('2026-11-25T12:00:00Z'), HOUR);
    const last = incidentKey(SECRET, new Date('2026-11-25T12:59:59.999Z'), HOUR);
    const next = incidentKey(SECRET, new Date('2026-11-25T13:00:00Z'), HOUR);

    // Assess
    expect(last).toBe(first);
    expect(next).not.toBe(first);
  });

  it('keeps each caller apart when the incident is per caller, and takes the id when the secret has no name', () => {
    // Act
    const perCaller = incidentKey(
      SECRET,
      new Date('2026-11-25T12:10:00Z'),
      INCIDENT_SCOPES['access-outside-vpce'],
      'arn:aws:iam::123456789012:role/app',
    );
    const unnamed = incidentKey({ account: '123456789012', region: 'us-east-1', id: 'prod/x' }, new Date('2026-11-25T12:10:00Z'), HOUR);

    // Assess
    expect(perCaller).toBe('123456789012/us-east-1/prod/payments/db/arn:aws:iam::123456789012:role/app/2026-11-25T12:00:00.000Z');
    expect(unnamed).toBe('123456789012/us-east-1/prod/x/2026-11-25T12:00:00.000Z');
  });
});

describe('Function: incidentScopeOf', () => {
  it('groups only the rules that say so', () => {
    expect([
      incidentScopeOf('deleted-secret-in-use'),
      incidentScopeOf('access-outside-vpce'),
      incidentScopeOf('rotation-failed'),
    ]).toStrictEqual([{ windowMinutes: 60 }, { windowMinutes: 60, perCaller: true }, undefined]);
  });
});

describe('Functions: countIntoIncident and countedIntoIncident', () => {
  it('counts each folded finding once more and reads the count back without adding, per incident', async () => {
    // Prepare
    const ports = { ledger: new MemoryLedger(() => FIXED_NOW) };
    const incident = findingAt('deleted-secret-in-use/a', '2026-11-25T12:05:00Z');
    const other = findingAt('deleted-secret-in-use/b', '2026-11-25T12:05:00Z');

    // Act
    const counts = [await countIntoIncident(incident, HOUR, ports), await countIntoIncident(incident, HOUR, ports)];

    // Assess
    expect(counts).toStrictEqual([1, 2]);
    expect(await countedIntoIncident(incident, HOUR, ports)).toBe(2);
    expect(await countedIntoIncident(other, HOUR, ports)).toBe(0);
    expect(await countedIntoIncident(incident, undefined, ports)).toBe(0);
  });
});

describe('Function: foldIntoIncidents', () => {
  it('counts into its incident each raised finding of an incident rule that was not published, and nothing else', async () => {
    // Prepare
    const ports = { ledger: new MemoryLedger(() => FIXED_NOW) };
    const published = findingAt('deleted-secret-in-use/published', '2026-11-25T12:05:00Z');
    const folded = findingAt('deleted-secret-in-use/held-back', '2026-11-25T12:06:00Z');
    const ungrouped = findingAt('rotation-failed/other', '2026-11-25T12:06:00Z');
    const scopeOf = (finding: Finding) => (finding.id.startsWith('deleted-secret-in-use/') ? HOUR : undefined);

    // Act
    const first = await foldIntoIncidents([published, folded, ungrouped], [published], scopeOf, ports);
    const again = await foldIntoIncidents([folded], [], scopeOf, ports);

    // Assess
    expect(first).toStrictEqual([{ findingId: 'deleted-secret-in-use/held-back', moreLikeIt: 1 }]);
    expect(again).toStrictEqual([{ findingId: 'deleted-secret-in-use/held-back', moreLikeIt: 2 }]);
  });
});
