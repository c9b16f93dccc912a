/**
 * remove-public-statements: take out of a secret's resource policy the statements that let in
 * someone outside the allowed accounts (policy-public), and keep the rest of the document as it
 * was; the port puts it back with BlockPublicPolicy, or the policy is deleted when nothing is
 * left. Look before you act: the statements removed are the ones that offend in the policy the
 * secret has now, not the ones the finding saw.
 *
 * Secrets Manager has no conditional PutResourcePolicy: a change made between our read and our
 * write is overwritten. The window is one DescribeSecret long, and the verification re-reads.
 */
import type { Finding } from '../contracts/finding.js';
import { type AccessScope, analyseResourcePolicy } from '../domain/resource-policy.js';
import type { Policy } from '../policy/schema.js';
import type { SecretState } from '../ports/secrets.js';
import type { ActionDefinition, ActionPlan } from './types.js';

const ACCOUNT_ID = /^\d{12}$/;

const scopeOf = (secret: SecretState, finding: Finding, policy: Policy): AccessScope => {
  const fromArn = secret.arn.split(':')[4];
  return {
    ownAccount: fromArn !== undefined && ACCOUNT_ID.test(fromArn) ? fromArn : finding.secret.account,
    allowedAccounts: policy.accounts.allowed,
    ...(policy.accounts.organizationId ? { organizationId: policy.accounts.organizationId } : {}),
    allowedVpcEndpoints: policy.vpcEndpoints.flatMap((rule) => rule.endpoints),
  };
};

/** A statement as a person finds it: its Sid, with its position when Sids repeat; `#index` when it has none. */
const label = (id: string, index: number, sidCount: number): string => (id.startsWith('#') || sidCount < 2 ? id : `${id} (#${index})`);

export const removePublicStatementsAction: ActionDefinition = {
  type: 'remove-public-statements',
  permissions: ['secretsmanager:GetResourcePolicy', 'secretsmanager:PutResourcePolicy', 'secretsmanager:DeleteResourcePolicy'],
  describeState: (_secret, gathered) => policyState(gathered.resourcePolicy),
  gather: async (secrets, secret) => ({ resourcePolicy: await secrets.getResourcePolicy(secret.arn) }),
  plan: ({ finding, secret, policy, gathered }): ActionPlan => {
    const current = gathered.resourcePolicy;
    if (current === undefined) return { kind: 'leave', reason: 'the secret has no resource policy any more' };
    const scope = scopeOf(secret, finding, policy);
    const analysis = analyseResourcePolicy(current, scope);
    if (analysis.kind === 'unreadable') {
      return {
        kind: 'refuse',
        reason: `the current resource policy cannot be read (${analysis.problem}): review it by hand, nothing was removed`,
      };
    }
    if (analysis.offending.length === 0)
      return { kind: 'leave', reason: 'the policy no longer grants access outside the allowed accounts' };

    // Readable, so a JSON object whose Statement is one statement or a list of them.
    const document = JSON.parse(current) as Record<string, unknown>;
    const statements: readonly unknown[] = Array.isArray(document['Statement'])
      ? (document['Statement'] as unknown[])
      : [document['Statement']];
    const sids = statements.map((s) => (s as { Sid?: unknown }).Sid);
    // By index, not by id: Sids may repeat, and only the offending one of two namesakes goes.
    const removing = new Set(analysis.offending.map((o) => o.index));
    const kept = statements.filter((_, index) => !removing.has(index));
    const removed = analysis.offending.map((o) => ({ ...o, label: label(o.id, o.index, sids.filter((sid) => sid === o.id).length) }));

    const offendingNow = new Set(analysis.offending.map((o) => o.id));
    const gone = (finding.evidence.offendingStatements ?? []).map((o) => o.id).filter((id) => !offendingNow.has(id));
    const details = [
      ...removed.map((o) => `removed ${o.label}: ${o.reasons.join(', ')}`),
      ...(gone.length > 0 ? [`no longer offending since the finding: ${gone.join(', ')}`] : []),
    ];
    const removedIds = removed.map((o) => o.label).join(', ');

    if (kept.length === 0) {
      return {
        kind: 'change',
        reason: `delete the resource policy: every statement in it grants access outside the allowed accounts (${removedIds})`,
        details,
        expectedState: policyState(undefined),
        apply: (secrets) => secrets.deleteResourcePolicy(secret.arn),
        verify: (_after, gathered) =>
          gathered.resourcePolicy === undefined ? undefined : 'DeleteResourcePolicy succeeded, but the secret still has a resource policy',
      };
    }

    // Only Statement changes: Version, Id and any other key keep their place and value.
    const rest = JSON.stringify({ ...document, Statement: kept });
    return {
      kind: 'change',
      reason: `remove ${removedIds} from the resource policy and put back the other ${kept.length} statement${kept.length === 1 ? '' : 's'} with BlockPublicPolicy`,
      details,
      expectedState: policyState(rest),
      apply: (secrets) => secrets.putResourcePolicy({ secretId: secret.arn, policy: rest }),
      verify: (_after, gathered) => {
        // No policy at all lets in nobody from outside either.
        if (gathered.resourcePolicy === undefined) return undefined;
        const check = analyseResourcePolicy(gathered.resourcePolicy, scope);
        if (check.kind === 'unreadable') return `the resource policy read back cannot be read (${check.problem})`;
        return check.offending.length === 0
          ? undefined
          : `the resource policy still grants access outside the allowed accounts: ${check.offending.map((o) => o.id).join(', ')}`;
      },
    };
  },
};

/** A resource policy in a line: its statements by id (Sid or #index). */
const policyState = (policy: string | undefined): string => {
  if (policy === undefined) return 'no resource policy';
  try {
    const statements = [(JSON.parse(policy) as { Statement?: unknown }).Statement ?? []].flat() as { Sid?: unknown }[];
    return `resource policy with ${statements.length} statement${statements.length === 1 ? '' : 's'}: ${statements.map((s, i) => (typeof s.Sid === 'string' ? s.Sid : `#${i}`)).join(', ')}`;
  } catch {
    return 'a resource policy that is not valid JSON';
  }
};
