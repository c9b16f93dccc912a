/**
 * The resource-policy analysis behind `policy-public`: realistic Secrets Manager resource policies
 * in, offending statement ids (the remediation's evidence) out. Accounts: ours 123456789012, an
 * allowed partner 111122223333, a stranger 999999999999; our organisation o-a1b2c3d4e5.
 */
import { describe, expect, it } from 'vitest';
import { type AccessScope, type OffendingStatement, analyseResourcePolicy } from '../../shared/domain/resource-policy.js';

const OWN = '123456789012';
const PARTNER = '111122223333';
const STRANGER = '999999999999';
const ORG = 'o-a1b2c3d4e5';
const OTHER_ORG = 'o-zz99yy88xx';

const scope: AccessScope = { ownAccount: OWN, allowedAccounts: [PARTNER], organizationId: ORG, allowedVpcEndpoints: ['vpce-1a2b3c4d'] };

type Statement = Readonly<Record<string, unknown>>;

/** A statement as people write them for secrets: read the value, on this secret. */
const allow = (fields: Statement): Statement => ({
  Effect: 'Allow',
  Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
  Resource: '*',
  ...fields,
});

const documentOf = (...statements: Statement[]) => ({ Version: '2012-10-17', Statement: statements });

/** What CloudTrail carries in `requestParameters.resourcePolicy`: the document as a JSON string. */
const policyOf = (...statements: Statement[]): string => JSON.stringify(documentOf(...statements));

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
};

const fine: readonly { name: string; statements: Statement[] }[] = [
  {
    name: 'public but confined to our organisation by aws:PrincipalOrgID',
    statements: [allow({ Sid: 'OrgRead', Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } })],
  },
  {
    name: 'cross-account to the allowed account, by root ARN',
    statements: [allow({ Principal: { AWS: `arn:aws:iam::${PARTNER}:root` } })],
  },
  {
    name: 'cross-account to a role in the allowed account, by id and by role ARN',
    statements: [allow({ Principal: { AWS: [PARTNER, `arn:aws:iam::${PARTNER}:role/payments-reader`] } })],
  },
  {
    name: 'cross-account to an unknown account, confined by aws:SourceAccount of the allowed account',
    statements: [
      allow({ Principal: { AWS: `arn:aws:iam::${STRANGER}:root` }, Condition: { StringEquals: { 'aws:SourceAccount': PARTNER } } }),
    ],
  },
  {
    name: 'public but confined to our VPC endpoint (aws:sourceVpce, as AWS examples spell it)',
    statements: [allow({ Principal: '*', Condition: { StringEquals: { 'aws:sourceVpce': 'vpce-1a2b3c4d' } } })],
  },
  {
    name: 'same account only: the root, a user and a role',
    statements: [allow({ Principal: { AWS: [OWN, `arn:aws:iam::${OWN}:user/alice`, `arn:aws:iam::${OWN}:role/app/service-role`] } })],
  },
  {
    name: 'same account, an assumed-role session (STS ARN)',
    statements: [allow({ Principal: { AWS: `arn:aws:sts::${OWN}:assumed-role/Deployer/session-1` } })],
  },
  {
    name: 'same account in another partition (GovCloud)',
    statements: [allow({ Principal: { AWS: `arn:aws-us-gov:iam::${OWN}:role/Reader` } })],
  },
  {
    name: 'a Deny for everyone',
    statements: [{ Sid: 'DenyOutsideVpce', Effect: 'Deny', Principal: '*', Action: 'secretsmanager:*', Resource: '*' }],
  },
  {
    name: 'a Deny with NotPrincipal',
    statements: [
      { Effect: 'Deny', NotPrincipal: { AWS: `arn:aws:iam::${OWN}:role/Admin` }, Action: 'secretsmanager:DeleteSecret', Resource: '*' },
    ],
  },
  {
    name: 'a service principal',
    statements: [allow({ Principal: { Service: 'appsync.amazonaws.com' } })],
  },
  {
    name: 'ForAnyValue:StringEquals on aws:PrincipalOrgID of our organisation',
    statements: [allow({ Principal: '*', Condition: { 'ForAnyValue:StringEquals': { 'aws:PrincipalOrgID': ORG } } })],
  },
  {
    name: 'aws:PrincipalOrgPaths under our organisation (ForAnyValue:StringLike)',
    statements: [
      allow({ Principal: '*', Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${ORG}/r-ab12/ou-ab12-11111111/*` } } }),
    ],
  },
  {
    name: 'aws:PrincipalArn with ArnLike on roles of the allowed account',
    statements: [allow({ Principal: '*', Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${PARTNER}:role/payments-*` } } })],
  },
  {
    name: 'ArnLike on aws:SourceArn with a wildcard region, field by field',
    statements: [allow({ Principal: '*', Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:lambda:*:${PARTNER}:function:*` } } })],
  },
  {
    name: 'aws:PrincipalAccount listing only allowed accounts',
    statements: [allow({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': [OWN, PARTNER] } } })],
  },
  {
    name: 'a condition key in another case (AWS:PRINCIPALORGID), with StringEqualsIgnoreCase',
    statements: [allow({ Principal: '*', Condition: { StringEqualsIgnoreCase: { 'AWS:PRINCIPALORGID': ORG.toUpperCase() } } })],
  },
  {
    name: 'an organisation condition next to an unrelated one (both must hold)',
    statements: [
      allow({ Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'aws:PrincipalOrgID': ORG } } }),
    ],
  },
  {
    name: 'an empty Statement list',
    statements: [],
  },
];

const offending: readonly { name: string; statement: Statement; expected: Omit<OffendingStatement, 'index'> }[] = [
  {
    name: 'public by "*"',
    statement: allow({ Sid: 'PublicRead', Principal: '*' }),
    expected: { id: 'PublicRead', reasons: ['grants access to everyone (*)'], principals: ['*'] },
  },
  {
    name: 'public by {"AWS": "*"}, without a Sid',
    statement: allow({ Principal: { AWS: '*' } }),
    expected: { id: '#0', reasons: ['grants access to everyone (*)'], principals: ['*'] },
  },
  {
    name: 'another account through a VPC endpoint that is not one of ours (anyone can create an endpoint)',
    statement: allow({
      Sid: 'ViaEndpoint',
      Principal: { AWS: 'arn:aws:iam::999999999999:root' },
      Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0attacker0000001' } },
    }),
    expected: {
      id: 'ViaEndpoint',
      reasons: [
        'grants access to arn:aws:iam::999999999999:root in account 999999999999, which is not allowed',
        "condition StringEquals on aws:SourceVpce allows vpce-0attacker0000001, which is not one of the policy's VPC endpoints",
      ],
      principals: ['arn:aws:iam::999999999999:root'],
    },
  },
  {
    name: 'public, confined by a VPC id (which we cannot check)',
    statement: allow({ Sid: 'ViaVpc', Principal: '*', Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-111bbb22' } } }),
    expected: {
      id: 'ViaVpc',
      reasons: [
        'grants access to everyone (*)',
        "condition StringEquals on aws:SourceVpc allows vpc-111bbb22, which is not one of the policy's VPC endpoints",
      ],
      principals: ['*'],
    },
  },
  {
    name: 'public, confined to an organisation that is not ours',
    statement: allow({ Sid: 'OrgRead', Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': OTHER_ORG } } }),
    expected: {
      id: 'OrgRead',
      reasons: ['grants access to everyone (*)', `confined to organisation ${OTHER_ORG}, which is not the allowed one`],
      principals: ['*'],
    },
  },
  {
    name: 'cross-account to an unknown account, by id',
    statement: allow({ Sid: 'Partner', Principal: { AWS: STRANGER } }),
    expected: { id: 'Partner', reasons: [`grants access to account ${STRANGER}, which is not allowed`], principals: [STRANGER] },
  },
  {
    name: 'cross-account to an unknown account, by role ARN',
    statement: allow({ Principal: { AWS: `arn:aws:iam::${STRANGER}:role/Reader` } }),
    expected: {
      id: '#0',
      reasons: [`grants access to arn:aws:iam::${STRANGER}:role/Reader in account ${STRANGER}, which is not allowed`],
      principals: [`arn:aws:iam::${STRANGER}:role/Reader`],
    },
  },
  {
    name: 'cross-account to an assumed-role session of an unknown account',
    statement: allow({ Principal: { AWS: `arn:aws:sts::${STRANGER}:assumed-role/Ops/jo` } }),
    expected: {
      id: '#0',
      reasons: [`grants access to arn:aws:sts::${STRANGER}:assumed-role/Ops/jo in account ${STRANGER}, which is not allowed`],
      principals: [`arn:aws:sts::${STRANGER}:assumed-role/Ops/jo`],
    },
  },
  {
    name: 'everyone and an unknown account next to our own, with all reasons',
    statement: allow({ Principal: { AWS: [OWN, '*', `arn:aws:iam::${STRANGER}:root`] } }),
    expected: {
      id: '#0',
      reasons: [
        'grants access to everyone (*)',
        `grants access to arn:aws:iam::${STRANGER}:root in account ${STRANGER}, which is not allowed`,
      ],
      principals: ['*', `arn:aws:iam::${STRANGER}:root`],
    },
  },
  {
    name: 'StringLike with "*" on aws:PrincipalOrgID',
    statement: allow({ Principal: '*', Condition: { StringLike: { 'aws:PrincipalOrgID': '*' } } }),
    expected: {
      id: '#0',
      reasons: [
        'grants access to everyone (*)',
        'condition StringLike on aws:PrincipalOrgID allows *, a wildcard, which does not confine it',
      ],
      principals: ['*'],
    },
  },
  {
    name: 'a negated operator (StringNotEquals) on aws:PrincipalOrgID',
    statement: allow({ Principal: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ORG } } }),
    expected: {
      id: '#0',
      reasons: [
        'grants access to everyone (*)',
        'condition StringNotEquals on aws:PrincipalOrgID is negated, so it lets in everyone it does not list',
      ],
      principals: ['*'],
    },
  },
  {
    name: 'ForAllValues on aws:PrincipalOrgID, true when the key is missing',
    statement: allow({ Principal: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': ORG } } }),
    expected: {
      id: '#0',
      reasons: [
        'grants access to everyone (*)',
        'condition ForAllValues:StringEquals on aws:PrincipalOrgID also matches requests without aws:PrincipalOrgID (ForAllValues)',
      ],
      principals: ['*'],
    },
  },
  {
    name: 'StringEqualsIfExists on aws:PrincipalOrgID, true when the key is missing',
    statement: allow({ Principal: '*', Condition: { StringEqualsIfExists: { 'aws:PrincipalOrgID': ORG } } }),
    expected: {
      id: '#0',
      reasons: [
        'grants access to everyone (*)',
        'condition StringEqualsIfExists on aws:PrincipalOrgID also matches requests without aws:PrincipalOrgID',
      ],
      principals: ['*'],
    },
  },
  {
    name: 'Null on aws:PrincipalOrgID: any organisation at all',
    statement: allow({ Principal: '*', Condition: { Null: { 'aws:PrincipalOrgID': 'false' } } }),
    expected: {
      id: '#0',
      reasons: ['grants access to everyone (*)', 'condition Null on aws:PrincipalOrgID cannot confine who gets in'],
      principals: ['*'],
    },
  },
  {
    name: 'aws:PrincipalArn with a wildcard account',
    statement: allow({ Principal: '*', Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/payments-reader' } } }),
    expected: {
      id: '#0',
      reasons: [
        'grants access to everyone (*)',
        'condition ArnLike on aws:PrincipalArn allows arn:aws:iam::*:role/payments-reader, which is not pinned to one account',
      ],
      principals: ['*'],
    },
  },
  {
    name: 'aws:SourceArn of a resource with no account (an S3 bucket)',
    statement: allow({ Principal: '*', Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::exports-bucket' } } }),
    expected: {
      id: '#0',
      reasons: [
        'grants access to everyone (*)',
        'condition ArnEquals on aws:SourceArn allows arn:aws:s3:::exports-bucket, which is not pinned to one account',
      ],
      principals: ['*'],
    },
  },
  {
    name: 'aws:PrincipalArn of a role in an unknown account',
    statement: allow({ Principal: '*', Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${STRANGER}:role/Reader` } } }),
    expected: {
      id: '#0',
      reasons: [
        'grants access to everyone (*)',
        `condition ArnEquals on aws:PrincipalArn allows arn:aws:iam::${STRANGER}:role/Reader, which is not in an allowed account`,
      ],
      principals: ['*'],
    },
  },
  {
    name: 'StringLike on aws:SourceArn with a wildcard before the account, which can swallow colons',
    statement: allow({ Principal: '*', Condition: { StringLike: { 'aws:SourceArn': `arn:aws:lambda:*:${PARTNER}:*` } } }),
    expected: {
      id: '#0',
      reasons: [
        'grants access to everyone (*)',
        `condition StringLike on aws:SourceArn allows arn:aws:lambda:*:${PARTNER}:*, which is not pinned to one account`,
      ],
      principals: ['*'],
    },
  },
  {
    name: 'aws:SourceAccount listing an allowed and an unknown account',
    statement: allow({ Principal: '*', Condition: { StringEquals: { 'aws:SourceAccount': [PARTNER, STRANGER] } } }),
    expected: {
      id: '#0',
      reasons: [
        'grants access to everyone (*)',
        `condition StringEquals on aws:SourceAccount allows account ${STRANGER}, which is not allowed`,
      ],
      principals: ['*'],
    },
  },
  {
    name: 'aws:PrincipalOrgPaths under another organisation',
    statement: allow({ Principal: '*', Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${OTHER_ORG}/*` } } }),
    expected: {
      id: '#0',
      reasons: ['grants access to everyone (*)', `confined to organisation path ${OTHER_ORG}/*, which is not in the allowed organisation`],
      principals: ['*'],
    },
  },
  {
    name: 'any VPC endpoint (StringLike "vpce-*")',
    statement: allow({ Principal: '*', Condition: { StringLike: { 'aws:SourceVpce': 'vpce-*' } } }),
    expected: {
      id: '#0',
      reasons: [
        'grants access to everyone (*)',
        'condition StringLike on aws:SourceVpce allows vpce-*, a wildcard, which does not confine it',
      ],
      principals: ['*'],
    },
  },
  {
    name: 'a condition that says nothing about who (aws:SourceIp)',
    statement: allow({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }),
    expected: { id: '#0', reasons: ['grants access to everyone (*)'], principals: ['*'] },
  },
  {
    name: 'an organisation condition with no values',
    statement: allow({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': [] } } }),
    expected: {
      id: '#0',
      reasons: ['grants access to everyone (*)', 'condition StringEquals on aws:PrincipalOrgID lists no values'],
      principals: ['*'],
    },
  },
  {
    name: 'a wildcard service principal',
    statement: allow({ Principal: { Service: '*' } }),
    expected: { id: '#0', reasons: ['grants access to everyone (*)'], principals: ['*'] },
  },
  {
    name: 'a federated principal (Cognito)',
    statement: allow({ Principal: { Federated: 'cognito-identity.amazonaws.com' } }),
    expected: {
      id: '#0',
      reasons: ['grants access to federated principal cognito-identity.amazonaws.com, which is outside the allowed accounts'],
      principals: ['cognito-identity.amazonaws.com'],
    },
  },
  {
    name: 'a canonical user',
    statement: allow({ Principal: { CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' } }),
    expected: {
      id: '#0',
      reasons: [
        'grants access to canonical user 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be, which is outside the allowed accounts',
      ],
      principals: ['79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be'],
    },
  },
  {
    name: 'a principal id whose account cannot be told (a deleted role)',
    statement: allow({ Principal: { AWS: 'AROA1234567890EXAMPLE' } }),
    expected: {
      id: '#0',
      reasons: ['grants access to AROA1234567890EXAMPLE, whose account cannot be determined'],
      principals: ['AROA1234567890EXAMPLE'],
    },
  },
  {
    name: 'NotPrincipal with Allow',
    statement: allow({ Sid: 'AllButAdmin', NotPrincipal: { AWS: `arn:aws:iam::${OWN}:role/Admin` } }),
    expected: {
      id: 'AllButAdmin',
      reasons: [`grants access to everyone except arn:aws:iam::${OWN}:role/Admin (NotPrincipal with Allow)`],
      principals: ['*'],
    },
  },
  {
    name: 'NotPrincipal with Allow, even confined to our organisation',
    statement: allow({ NotPrincipal: { AWS: STRANGER }, Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } }),
    expected: { id: '#0', reasons: [`grants access to everyone except ${STRANGER} (NotPrincipal with Allow)`], principals: ['*'] },
  },
];

const unreadable: readonly { name: string; policy: unknown; problem: string }[] = [
  { name: 'a list instead of a document', policy: '[]', problem: 'not an object (got a list)' },
  { name: 'null', policy: null, problem: 'not an object (got null)' },
  { name: 'nothing at all', policy: undefined, problem: 'not an object (got nothing)' },
  { name: 'a number', policy: '42', problem: 'not an object (got 42)' },
  {
    name: 'a document encoded twice',
    policy: JSON.stringify(policyOf(allow({ Principal: '*' }))),
    problem: 'not an object (got a JSON string: encoded twice?)',
  },
  { name: 'no Statement', policy: JSON.stringify({ Version: '2012-10-17' }), problem: 'no Statement' },
  { name: 'a Statement that is a string', policy: { Statement: 'Allow' }, problem: 'Statement: not an object or a list (got "Allow")' },
  {
    name: 'a statement that is not an object',
    policy: policyOf(allow({ Principal: { AWS: OWN } }), allow({ Principal: { AWS: PARTNER } }), 'Allow' as unknown as Statement),
    problem: 'Statement[2]: not an object',
  },
  {
    name: 'an Effect that is neither Allow nor Deny',
    policy: policyOf(allow({ Principal: '*', Effect: 'Permit' })),
    problem: 'Statement[0]: Effect must be "Allow" or "Deny" (got "Permit")',
  },
  {
    name: 'an Effect in the wrong case',
    policy: { Statement: allow({ Principal: '*', Effect: 'allow' }) },
    problem: 'Statement: Effect must be "Allow" or "Deny" (got "allow")',
  },
  {
    name: 'a long Effect, shortened in the message',
    policy: policyOf(allow({ Principal: '*', Effect: 'Allow access to the payments team only, please' })),
    problem: 'Statement[0]: Effect must be "Allow" or "Deny" (got "Allow access to the payments team only, …")',
  },
  {
    name: 'no Effect',
    policy: policyOf({ Principal: '*', Action: 'secretsmanager:*', Resource: '*' }),
    problem: 'Statement[0]: no Effect',
  },
  {
    name: 'a bare account id as Principal',
    policy: policyOf(allow({ Principal: OWN })),
    problem: `Statement[0].Principal: must be "*" or an object keyed by AWS, Service, Federated, CanonicalUser (got "${OWN}")`,
  },
  {
    name: 'an unknown principal type',
    policy: policyOf(allow({ Principal: { User: 'alice' } })),
    problem: 'Statement[0].Principal: unknown principal type "User"',
  },
  {
    name: 'an account id written as a number',
    policy: policyOf(allow({ Principal: { AWS: 123456789012 } })),
    problem: 'Statement[0].Principal.AWS: must be a string or a list of strings (got 123456789012)',
  },
  { name: 'an empty Principal object', policy: policyOf(allow({ Principal: {} })), problem: 'Statement[0].Principal: names no principal' },
  { name: 'no Principal', policy: policyOf(allow({})), problem: 'Statement[0]: no Principal or NotPrincipal' },
  {
    name: 'both Principal and NotPrincipal',
    policy: policyOf(allow({ Principal: '*', NotPrincipal: { AWS: OWN } })),
    problem: 'Statement[0]: has both Principal and NotPrincipal',
  },
  {
    name: 'a Condition that is not an object',
    policy: policyOf(allow({ Principal: '*', Condition: 'aws:PrincipalOrgID' })),
    problem: 'Statement[0].Condition: must be an object (got "aws:PrincipalOrgID")',
  },
  {
    name: 'a condition operator without keys',
    policy: policyOf(allow({ Principal: '*', Condition: { StringEquals: ORG } })),
    problem: `Statement[0].Condition.StringEquals: must be an object of condition keys (got "${ORG}")`,
  },
  {
    name: 'a condition value that is an object',
    policy: policyOf(allow({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': { id: ORG } } } })),
    problem: 'Statement[0].Condition.StringEquals.aws:PrincipalOrgID: must be a string or a list of strings (got an object)',
  },
];

describe('Function: analyseResourcePolicy', () => {
  it.each(fine)('finds nothing offending in $name', ({ statements }) => {
    // Prepare
    const policy = policyOf(...statements);

    // Act
    const analysis = analyseResourcePolicy(policy, scope);

    // Assess
    expect(analysis).toEqual({ kind: 'analysed', statementCount: statements.length, offending: [] });
  });

  it.each(offending)('flags $name', ({ statement, expected }) => {
    // Prepare
    const policy = policyOf(statement);

    // Act
    const analysis = analyseResourcePolicy(policy, scope);

    // Assess
    expect(analysis).toEqual({ kind: 'analysed', statementCount: 1, offending: [{ ...expected, index: 0 }] });
  });

  it('reports only the 2nd and 3rd of three statements, in document order, by Sid and by #index', () => {
    // Prepare
    const policy = policyOf(
      allow({ Sid: 'SameAccount', Principal: { AWS: `arn:aws:iam::${OWN}:role/app` } }),
      allow({ Sid: 'PublicRead', Principal: '*' }),
      allow({ Principal: { AWS: `arn:aws:iam::${STRANGER}:root` } }),
    );

    // Act
    const analysis = analyseResourcePolicy(policy, scope);

    // Assess
    expect(analysis).toEqual({
      kind: 'analysed',
      statementCount: 3,
      offending: [
        { id: 'PublicRead', index: 1, reasons: ['grants access to everyone (*)'], principals: ['*'] },
        {
          id: '#2',
          index: 2,
          reasons: [`grants access to arn:aws:iam::${STRANGER}:root in account ${STRANGER}, which is not allowed`],
          principals: [`arn:aws:iam::${STRANGER}:root`],
        },
      ],
    });
  });

  it('does not count an organisation condition as confining when no organisation is configured', () => {
    // Prepare
    const { organizationId: _unused, ...withoutOrg } = scope;
    const policy = policyOf(allow({ Sid: 'OrgRead', Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } }));

    // Act
    const analysis = analyseResourcePolicy(policy, withoutOrg);

    // Assess
    expect(analysis).toEqual({
      kind: 'analysed',
      statementCount: 1,
      offending: [
        {
          id: 'OrgRead',
          index: 0,
          reasons: ['grants access to everyone (*)', `confined to organisation ${ORG}, which is not the allowed one (none is configured)`],
          principals: ['*'],
        },
      ],
    });
  });

  it('treats an account as outside once it is no longer in the allowed accounts', () => {
    // Prepare
    const policy = policyOf(allow({ Principal: { AWS: PARTNER } }));

    // Act
    const analysis = analyseResourcePolicy(policy, { ...scope, allowedAccounts: [] });

    // Assess
    expect(analysis).toMatchObject({ kind: 'analysed', offending: [{ id: '#0', principals: [PARTNER] }] });
  });

  it('accepts an already-parsed document whose Statement is a single object', () => {
    // Prepare
    const document = { Version: '2012-10-17', Statement: allow({ Sid: 'PublicRead', Principal: { AWS: '*' } }) };

    // Act
    const analysis = analyseResourcePolicy(document, scope);

    // Assess
    expect(analysis).toEqual({
      kind: 'analysed',
      statementCount: 1,
      offending: [{ id: 'PublicRead', index: 0, reasons: ['grants access to everyone (*)'], principals: ['*'] }],
    });
  });

  it('says the JSON is not valid, with the parser message, for a malformed string', () => {
    // Prepare
    const policy = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",';

    // Act
    const analysis = analyseResourcePolicy(policy, scope);

    // Assess
    expect(analysis).toEqual({ kind: 'unreadable', problem: expect.stringMatching(/^not valid JSON: \S/) });
  });

  it.each(unreadable)('names the problem for $name', ({ policy, problem }) => {
    // Act
    const analysis = analyseResourcePolicy(policy, scope);

    // Assess
    expect(analysis).toEqual({ kind: 'unreadable', problem });
  });

  it('never changes the document or the scope it is given', () => {
    // Prepare: every policy above, parsed and frozen, so a write would throw as well as show.
    const parsedUnreadable = unreadable.map(({ policy }) => policy).filter((p) => typeof p === 'object' && p !== null);
    const documents = [
      ...fine.map(({ statements }) => documentOf(...statements)),
      ...offending.map(({ statement }) => documentOf(statement)),
      ...parsedUnreadable,
    ];
    const before = structuredClone(documents);
    const scopeBefore = structuredClone(scope);
    deepFreeze(documents);
    const frozenScope = deepFreeze(structuredClone(scope));

    // Act
    const analyses = documents.map((d) => analyseResourcePolicy(d, frozenScope));

    // Assess
    expect(documents).toEqual(before);
    expect(frozenScope).toEqual(scopeBefore);
    expect(parsedUnreadable).not.toHaveLength(0);
    expect(analyses.filter((a) => a.kind === 'unreadable')).toHaveLength(parsedUnreadable.length);
    expect(analyses.filter((a) => a.kind === 'analysed' && a.offending.length > 0)).toHaveLength(offending.length);
  });
});
