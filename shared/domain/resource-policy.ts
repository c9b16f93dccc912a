/**
 * Who a secret's resource policy lets in, for the rule `policy-public`. Trigger: a
 * successful `PutResourcePolicy`, whose `requestParameters.resourcePolicy` is the document as a
 * JSON string. The remediation removes the offending statements by id and puts the rest back with
 * BlockPublicPolicy, so an id must name exactly the statement that offends.
 *
 * This is a reading of the IAM policy grammar, not a reasoning engine like Zelkova (which Secrets
 * Manager's own validation uses): it errs towards "offending" when it cannot prove a statement is
 * confined: a wrong flag costs a statement put back by hand, a missed one can cost the secret.
 */

/** The parties a secret may be shared with. */
export interface AccessScope {
  /** The secret's own account: always allowed. */
  readonly ownAccount: string;
  /** Other accounts allowed to be granted access (12-digit ids). */
  readonly allowedAccounts: readonly string[];
  /** The organisation id (o-xxxxxxxxxx) whose members may be granted access via aws:PrincipalOrgID; undefined when none. */
  readonly organizationId?: string;
  /**
   * VPC endpoints (vpce-...) that are known to be ours: an aws:SourceVpce condition confines a
   * statement only to these. Anyone can create a VPC endpoint in their own account, so an
   * unknown endpoint confines nothing; aws:SourceVpc (a VPC id we cannot check) never does.
   */
  readonly allowedVpcEndpoints?: readonly string[];
}

/** A statement that lets in someone outside the {@link AccessScope}; the evidence the remediation consumes. */
export interface OffendingStatement {
  /**
   * The statement's Sid, or `#<index>` (0-based position) when it has none — the remediation removes
   * statements by this.
   */
  readonly id: string;
  /** 0-based position in `Statement` (0 when `Statement` is a single object). */
  readonly index: number;
  /** Why, in words: "grants access to everyone (*)", "grants access to account 999999999999, which is not allowed", ... */
  readonly reasons: readonly string[];
  /**
   * The principals that made it offending, as written (e.g. '*', 'arn:aws:iam::999999999999:root',
   * '999999999999'). For `NotPrincipal` with Allow it is `'*'`: everyone but the listed ones.
   */
  readonly principals: readonly string[];
}

/**
 * The verdict on one policy document: `analysed` with the offending statements in document order
 * (empty when it is fine), or `unreadable` naming the first thing wrong with the document.
 */
export type PolicyAnalysis =
  | { readonly kind: 'analysed'; readonly statementCount: number; readonly offending: readonly OffendingStatement[] }
  | { readonly kind: 'unreadable'; readonly problem: string };

type JsonObject = Readonly<Record<string, unknown>>;

/** The first thing wrong with the document. A class, so no JSON value can pass for one. */
class Problem {
  public constructor(public readonly problem: string) {}
}

/** One principal a statement names, with what we could tell about whose it is. */
type Grantee =
  | { readonly kind: 'everyone'; readonly written: string }
  | { readonly kind: 'account'; readonly account: string; readonly written: string }
  | { readonly kind: 'unknown-aws'; readonly written: string }
  | { readonly kind: 'service'; readonly written: string }
  | { readonly kind: 'federated'; readonly written: string }
  | { readonly kind: 'canonical-user'; readonly written: string };

interface ConditionEntry {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

interface ParsedStatement {
  readonly index: number;
  readonly id: string;
  readonly effect: 'Allow' | 'Deny';
  /** True for `NotPrincipal`: the grantees are the ones left out. */
  readonly negated: boolean;
  readonly grantees: readonly Grantee[];
  readonly conditions: readonly ConditionEntry[];
}

const PRINCIPAL_TYPES = ['AWS', 'Service', 'Federated', 'CanonicalUser'] as const;
type PrincipalType = (typeof PRINCIPAL_TYPES)[number];

const ACCOUNT_ID = /^\d{12}$/;
// Any IAM or STS principal ARN in any partition: root, user/..., role/..., assumed-role/...
const PRINCIPAL_ARN = /^arn:[a-z-]+:(?:iam|sts)::(\d{12}):.+$/;
const WILDCARD = /[*?]/;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const isProblem = (value: unknown): value is Problem => value instanceof Problem;

/** A short, safe description of a value for a problem message. */
const shown = (value: unknown): string => {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
};

const unique = (items: readonly string[]): string[] => [...new Set(items)];

// ---------------------------------------------------------------------------------------------
// Reading the document. Each reader returns its part or the first problem, so the caller can say
// exactly where the document is wrong instead of guessing what the author meant.
// ---------------------------------------------------------------------------------------------

const readDocument = (policy: unknown): JsonObject | Problem => {
  let document: unknown = policy;
  if (typeof policy === 'string') {
    try {
      document = JSON.parse(policy);
    } catch (error) {
      return new Problem(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  // A string that parses to a string is a document JSON-encoded twice: say so rather than quote it.
  if (typeof policy === 'string' && typeof document === 'string') return new Problem('not an object (got a JSON string: encoded twice?)');
  if (!isObject(document)) return new Problem(`not an object (got ${shown(document)})`);
  return document;
};

const readStringList = (value: unknown): readonly string[] | undefined => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item): item is string => typeof item === 'string')) return value;
  return undefined;
};

const classifyGrantee = (type: PrincipalType, written: string): Grantee => {
  switch (type) {
    case 'AWS': {
      if (written === '*') return { kind: 'everyone', written };
      const account = ACCOUNT_ID.test(written) ? written : PRINCIPAL_ARN.exec(written)?.[1];
      // Unique ids (AIDA…/AROA…, left behind when a named role is deleted) and anything else we
      // cannot place in an account are treated as outsiders: we cannot show they are inside.
      return account ? { kind: 'account', account, written } : { kind: 'unknown-aws', written };
    }
    case 'Service':
      // IAM allows no wildcard in a service name; one that has one is read as everyone.
      return WILDCARD.test(written) ? { kind: 'everyone', written } : { kind: 'service', written };
    case 'Federated':
      return { kind: 'federated', written };
    case 'CanonicalUser':
      return { kind: 'canonical-user', written };
  }
};

const readPrincipal = (value: unknown, where: string): readonly Grantee[] | Problem => {
  if (value === '*') return [{ kind: 'everyone', written: '*' }];
  if (!isObject(value)) {
    return new Problem(`${where}: must be "*" or an object keyed by ${PRINCIPAL_TYPES.join(', ')} (got ${shown(value)})`);
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return new Problem(`${where}: names no principal`);
  const grantees: Grantee[] = [];
  for (const [type, raw] of entries) {
    const known = PRINCIPAL_TYPES.find((t) => t === type);
    if (!known) return new Problem(`${where}: unknown principal type ${JSON.stringify(type)}`);
    const written = readStringList(raw);
    if (!written) return new Problem(`${where}.${type}: must be a string or a list of strings (got ${shown(raw)})`);
    grantees.push(...written.map((w) => classifyGrantee(known, w)));
  }
  return grantees;
};

const readConditionValues = (value: unknown): readonly string[] | undefined => {
  const scalar = (v: unknown): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v);
  if (scalar(value)) return [String(value)];
  if (Array.isArray(value) && value.every(scalar)) return value.map(String);
  return undefined;
};

const readConditions = (value: unknown, where: string): readonly ConditionEntry[] | Problem => {
  if (value === undefined) return [];
  if (!isObject(value)) return new Problem(`${where}: must be an object (got ${shown(value)})`);
  const conditions: ConditionEntry[] = [];
  for (const [operator, block] of Object.entries(value)) {
    if (!isObject(block)) return new Problem(`${where}.${operator}: must be an object of condition keys (got ${shown(block)})`);
    for (const [key, raw] of Object.entries(block)) {
      const values = readConditionValues(raw);
      if (!values) return new Problem(`${where}.${operator}.${key}: must be a string or a list of strings (got ${shown(raw)})`);
      conditions.push({ operator, key, values });
    }
  }
  return conditions;
};

const readStatement = (raw: unknown, index: number, where: string): ParsedStatement | Problem => {
  if (!isObject(raw)) return new Problem(`${where}: not an object`);

  const effect = raw['Effect'];
  if (effect === undefined) return new Problem(`${where}: no Effect`);
  // IAM values are case-sensitive: "allow" is rejected by AWS, so it is not ours to reinterpret.
  if (effect !== 'Allow' && effect !== 'Deny') return new Problem(`${where}: Effect must be "Allow" or "Deny" (got ${shown(effect)})`);

  const hasPrincipal = raw['Principal'] !== undefined;
  const hasNotPrincipal = raw['NotPrincipal'] !== undefined;
  // A resource policy must say who; a statement without it (or with both) is not one AWS accepts.
  if (hasPrincipal && hasNotPrincipal) return new Problem(`${where}: has both Principal and NotPrincipal`);
  if (!hasPrincipal && !hasNotPrincipal) return new Problem(`${where}: no Principal or NotPrincipal`);
  const element = hasPrincipal ? 'Principal' : 'NotPrincipal';
  const grantees = readPrincipal(raw[element], `${where}.${element}`);
  if (isProblem(grantees)) return grantees;

  const conditions = readConditions(raw['Condition'], `${where}.Condition`);
  if (isProblem(conditions)) return conditions;

  const sid = raw['Sid'];
  return {
    index,
    id: typeof sid === 'string' && sid !== '' ? sid : `#${index}`,
    effect,
    negated: !hasPrincipal,
    grantees,
    conditions,
  };
};

const readStatements = (document: JsonObject): readonly ParsedStatement[] | Problem => {
  const raw = document['Statement'];
  if (raw === undefined) return new Problem('no Statement');
  // IAM accepts a single statement object as well as a list of them.
  const single = isObject(raw);
  if (!single && !Array.isArray(raw)) return new Problem(`Statement: not an object or a list (got ${shown(raw)})`);
  const items: readonly unknown[] = single ? [raw] : (raw as readonly unknown[]);
  const statements: ParsedStatement[] = [];
  for (const [index, item] of items.entries()) {
    const statement = readStatement(item, index, single ? 'Statement' : `Statement[${index}]`);
    if (isProblem(statement)) return statement;
    statements.push(statement);
  }
  return statements;
};

// ---------------------------------------------------------------------------------------------
// Judging a statement.
// ---------------------------------------------------------------------------------------------

const isInside = (account: string, scope: AccessScope): boolean => account === scope.ownAccount || scope.allowedAccounts.includes(account);

/** Why the grantee is outside the scope, or `undefined` when it is inside. */
const outsideReason = (grantee: Grantee, scope: AccessScope): string | undefined => {
  switch (grantee.kind) {
    case 'everyone':
      return `grants access to everyone (${grantee.written})`;
    case 'account':
      if (isInside(grantee.account, scope)) return undefined;
      return grantee.written === grantee.account
        ? `grants access to account ${grantee.account}, which is not allowed`
        : `grants access to ${grantee.written} in account ${grantee.account}, which is not allowed`;
    case 'unknown-aws':
      return `grants access to ${grantee.written}, whose account cannot be determined`;
    case 'service':
      // A service principal is not public by itself: only the named AWS service can use the grant,
      // on behalf of a caller. We found no AWS doc calling it public (IAM Access Analyzer does count
      // "an AWS service" as an external principal, so this is a choice). The confused-deputy risk,
      // the service acting for another account, belongs to a hardening check, not to this rule.
      return undefined;
    case 'federated':
      return `grants access to federated principal ${grantee.written}, which is outside the allowed accounts`;
    case 'canonical-user':
      return `grants access to canonical user ${grantee.written}, which is outside the allowed accounts`;
  }
};

/** What a condition key tells about who can get in; keys not listed here say nothing about it. */
type KeyKind = 'org-id' | 'org-paths' | 'account' | 'arn' | 'network';

// Compared lower-cased: condition key names are case-insensitive in IAM (aws:sourceVpce is common).
const CONFINING_KEYS: Readonly<Record<string, KeyKind>> = {
  'aws:principalorgid': 'org-id',
  'aws:principalorgpaths': 'org-paths',
  'aws:principalaccount': 'account',
  'aws:sourceaccount': 'account',
  'aws:principalarn': 'arn',
  'aws:sourcearn': 'arn',
  'aws:sourcevpce': 'network',
  'aws:sourcevpc': 'network',
};

const CONFINING_OPERATORS = new Set(['StringEquals', 'StringEqualsIgnoreCase', 'StringLike', 'ArnEquals', 'ArnLike']);

/** Whether a condition confines the statement to allowed parties; if not, why (nothing to say for unrelated keys). */
type Verdict = { readonly confines: true } | { readonly confines: false; readonly why: readonly string[] };

const doesNot = (...why: string[]): Verdict => ({ confines: false, why });

/**
 * The account an ARN pattern is pinned to, if any. ArnEquals/ArnLike match each colon-separated
 * field on its own, so only the account field must be fixed (`arn:aws:sns:*:111122223333:*` is
 * fine). A String operator matches the whole text, where a `*` in an earlier field can swallow
 * colons: StringLike `arn:aws:lambda:*:111122223333:*` also matches
 * `arn:aws:lambda:us-east-1:999999999999:function:111122223333:prod`.
 */
const pinnedArnAccount = (arn: string, fieldByField: boolean): string | undefined => {
  const fields = arn.split(':');
  if (fields.length < 6 || fields[0] !== 'arn') return undefined;
  const fixedFields = fieldByField ? fields.slice(4, 5) : fields.slice(0, 5);
  if (fixedFields.some((field) => WILDCARD.test(field))) return undefined;
  const account = fields[4] ?? '';
  return ACCOUNT_ID.test(account) ? account : undefined;
};

const judgeCondition = (condition: ConditionEntry, scope: AccessScope): Verdict => {
  const { operator, key, values } = condition;
  const kind = CONFINING_KEYS[key.toLowerCase()];
  if (!kind) return doesNot();

  const qualified = operator.split(':');
  const [qualifier, base] = qualified.length === 2 ? qualified : [undefined, operator];
  const ifExists = base?.endsWith('IfExists') ?? false;
  const core = ifExists ? base?.slice(0, -'IfExists'.length) : base;
  const what = `condition ${operator} on ${key}`;

  if (core?.includes('Not')) return doesNot(`${what} is negated, so it lets in everyone it does not list`);
  if (!core || !CONFINING_OPERATORS.has(core) || (qualifier !== undefined && qualifier !== 'ForAnyValue' && qualifier !== 'ForAllValues')) {
    return doesNot(`${what} cannot confine who gets in`);
  }
  // Both hold when the request carries no such key (an anonymous caller has no aws:PrincipalOrgID):
  // IAM documents that ForAllValues "also returns true if there are no context keys in the request".
  if (ifExists) return doesNot(`${what} also matches requests without ${key}`);
  if (qualifier === 'ForAllValues') return doesNot(`${what} also matches requests without ${key} (ForAllValues)`);
  if (values.length === 0) return doesNot(`${what} lists no values`);

  // Values are OR-ed, so every one of them must keep outsiders out. A wildcard is treated as one
  // even under StringEquals (where it is literal): a policy written that way is not to be trusted.
  const wildcards = values.filter((v) => WILDCARD.test(v));
  if (wildcards.length > 0 && kind !== 'org-paths' && kind !== 'arn') {
    return doesNot(...wildcards.map((v) => `${what} allows ${v}, a wildcard, which does not confine it`));
  }

  const org = scope.organizationId?.toLowerCase();
  switch (kind) {
    case 'org-id': {
      // Any other organisation could be someone else's: only the configured one confines.
      const others = values.filter((v) => v.toLowerCase() !== org);
      const note = org === undefined ? ' (none is configured)' : '';
      return others.length === 0
        ? { confines: true }
        : doesNot(...others.map((v) => `confined to organisation ${v}, which is not the allowed one${note}`));
    }
    case 'org-paths': {
      // Paths read o-xxxxxxxxxx/r-xxxx/ou-…/; the org id must be fixed, a wildcard after it is fine.
      const others = values.filter((v) => org === undefined || !v.toLowerCase().startsWith(`${org}/`));
      return others.length === 0
        ? { confines: true }
        : doesNot(...others.map((v) => `confined to organisation path ${v}, which is not in the allowed organisation`));
    }
    case 'account': {
      const others = values.filter((v) => !isInside(v, scope));
      return others.length === 0 ? { confines: true } : doesNot(...others.map((v) => `${what} allows account ${v}, which is not allowed`));
    }
    case 'arn': {
      const why = values.flatMap((v) => {
        const account = pinnedArnAccount(v, core.startsWith('Arn'));
        if (account === undefined) return [`${what} allows ${v}, which is not pinned to one account`];
        return isInside(account, scope) ? [] : [`${what} allows ${v}, which is not in an allowed account`];
      });
      return why.length === 0 ? { confines: true } : doesNot(...why);
    }
    case 'network': {
      // A network condition pins the caller's network, not the caller: another account can put an
      // endpoint of its own in front of the request. It confines only to endpoints the policy
      // names as ours (vpcEndpoints).
      const known = new Set(scope.allowedVpcEndpoints ?? []);
      const unknown = key.toLowerCase() === 'aws:sourcevpce' ? values.filter((v) => !known.has(v)) : values;
      return unknown.length === 0
        ? { confines: true }
        : doesNot(...unknown.map((v) => `${what} allows ${v}, which is not one of the policy's VPC endpoints`));
    }
  }
};

const judgeStatement = (statement: ParsedStatement, scope: AccessScope): OffendingStatement | undefined => {
  // A Deny takes access away; it can never be what makes a secret public.
  if (statement.effect === 'Deny') return undefined;
  const { id, index } = statement;

  if (statement.negated) {
    // Allow + NotPrincipal lets in every principal in every account except the listed ones. AWS
    // advises never to write it; we flag it whatever its conditions, so a human rewrites it.
    const excluded = statement.grantees.map((g) => g.written).join(', ');
    return { id, index, reasons: [`grants access to everyone except ${excluded} (NotPrincipal with Allow)`], principals: ['*'] };
  }

  const outside = statement.grantees.flatMap((g) => {
    const reason = outsideReason(g, scope);
    return reason === undefined ? [] : [{ written: g.written, reason }];
  });
  if (outside.length === 0) return undefined;

  // Condition blocks are AND-ed: one that confines is enough.
  const verdicts = statement.conditions.map((c) => judgeCondition(c, scope));
  if (verdicts.some((v) => v.confines)) return undefined;

  const conditionReasons = verdicts.flatMap((v) => (v.confines ? [] : v.why));
  return {
    id,
    index,
    reasons: unique([...outside.map((o) => o.reason), ...conditionReasons]),
    principals: unique(outside.map((g) => g.written)),
  };
};

/**
 * Finds each Allow statement that grants access to everyone, or to a principal outside the allowed
 * accounts, without a condition that confines it to allowed parties (aws:PrincipalOrgID of our
 * organisation, aws:PrincipalOrgPaths under it, aws:PrincipalAccount/aws:SourceAccount or
 * aws:PrincipalArn/aws:SourceArn in allowed accounts, a fixed aws:SourceVpce/aws:SourceVpc).
 * Pure; never throws; never changes its input.
 *
 * @param policy - the document: the JSON string from `requestParameters.resourcePolicy`, or an already-parsed object
 * @param scope - who may be granted access
 * @returns the offending statements in document order, or `unreadable` naming what is wrong
 *
 * @example
 * ```ts
 * const analysis = analyseResourcePolicy(event.detail.requestParameters.resourcePolicy, {
 *   ownAccount: '123456789012',
 *   allowedAccounts: ['111122223333'],
 *   organizationId: 'o-a1b2c3d4e5',
 * });
 * if (analysis.kind === 'analysed') removeStatements(analysis.offending.map((s) => s.id));
 * ```
 */
// `string | unknown` is `unknown` to the compiler; the union is kept to document the usual input.
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents
export function analyseResourcePolicy(policy: string | unknown, scope: AccessScope): PolicyAnalysis {
  const document = readDocument(policy);
  if (isProblem(document)) return { kind: 'unreadable', problem: document.problem };
  const statements = readStatements(document);
  if (isProblem(statements)) return { kind: 'unreadable', problem: statements.problem };
  const offending = statements.flatMap((s) => judgeStatement(s, scope) ?? []);
  return { kind: 'analysed', statementCount: statements.length, offending };
}
