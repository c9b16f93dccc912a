/**
 * The policy document as data (the YAML a person writes, once read, or the JSON the packaging
 * ships): validated whole, the stage's override deep-merged over the base, and every fault named
 * by its path, with a suggestion for a misspelt field.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError } from '../../shared/errors.js';
import { PolicyError, type PolicySource } from '../../shared/policy/errors.js';
import { policyFromDocument } from '../../shared/policy/policy-document.js';
import { DEFAULT_POLICY } from '../../shared/policy/schema.js';

const PROD: PolicySource = { stage: 'prod', source: 'policy.json' };

/** A policy document written as YAML, as a person writes it, validated for a stage. */
const fromYaml = (text: string, options: PolicySource) => policyFromDocument(parse(text) as unknown, options);

/** The problems a PolicyError lists for `document`; a valid document fails the test. */
const problemsOf = (document: unknown, stage = 'prod'): readonly string[] => {
  try {
    policyFromDocument(document, { stage, source: 'policy.json' });
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
  throw new Error('expected the policy to be invalid');
};

describe('Function: policyFromDocument', () => {
  describe('an empty document', () => {
    it.each([
      ['null (an empty YAML file)', null],
      ['undefined', undefined],
      ['an empty mapping', {}],
    ])('takes every default from %s', (_label, document) => {
      // Act
      const policy = policyFromDocument(document, PROD);

      // Assess
      expect(policy).toEqual(DEFAULT_POLICY);
    });
  });

  describe('stage overrides', () => {
    const text = `
allowedAdmins: ['arn:aws:iam::123456789012:role/admin']
rotation:
  schedule: rate(10 days)
  maxAgeDays: 60
  functions:
    byNamePrefix:
      prod/rds/: arn:aws:lambda:us-east-1:123456789012:function:rotate-rds
stages:
  prod:
    mode: enforce
    allowedAdmins: ['arn:aws:iam::123456789012:role/break-glass']
    rotation:
      maxAgeDays: 30
      functions:
        byTag: null
        byNamePrefix:
          prod/docdb/: arn:aws:lambda:us-east-1:123456789012:function:rotate-docdb
`;

    it('merges mappings key by key and replaces lists and values', () => {
      // Act
      const policy = fromYaml(text, { stage: 'prod', source: 'policy.yml' });

      // Assess
      expect(policy.mode).toBe('enforce');
      expect(policy.allowedAdmins).toEqual(['arn:aws:iam::123456789012:role/break-glass']);
      expect(policy.rotation).toEqual({
        schedule: 'rate(10 days)',
        rotateImmediately: false,
        maxAgeDays: 30,
        gracePeriodDays: 7,
        functions: {
          byTag: null,
          byNamePrefix: {
            'prod/rds/': 'arn:aws:lambda:us-east-1:123456789012:function:rotate-rds',
            'prod/docdb/': 'arn:aws:lambda:us-east-1:123456789012:function:rotate-docdb',
          },
          default: null,
        },
      });
    });

    it('applies the base to a stage without an override', () => {
      // Act
      const policy = fromYaml(text, { stage: 'staging', source: 'policy.yml' });

      // Assess
      expect(policy.mode).toBe('dry-run');
      expect(policy.allowedAdmins).toEqual(['arn:aws:iam::123456789012:role/admin']);
      expect(policy.rotation.maxAgeDays).toBe(60);
      expect(policy.rotation.functions.byTag).toBe('rotation-function');
    });

    it('keeps the overrides as written, without defaults', () => {
      // Act
      const policy = fromYaml(text, { stage: 'prod', source: 'policy.yml' });

      // Assess
      expect(Object.keys(policy.stages)).toEqual(['prod']);
      expect(policy.stages.prod).toEqual({
        mode: 'enforce',
        allowedAdmins: ['arn:aws:iam::123456789012:role/break-glass'],
        rotation: {
          maxAgeDays: 30,
          functions: { byTag: null, byNamePrefix: { 'prod/docdb/': 'arn:aws:lambda:us-east-1:123456789012:function:rotate-docdb' } },
        },
      });
    });

    it('does not take a stage name from the prototype', () => {
      // Act
      const policy = fromYaml('stages:\n  prod: { mode: enforce }\n', { stage: 'constructor', source: 'policy.yml' });

      // Assess
      expect(policy.mode).toBe('dry-run');
    });

    it('reports a wrong override even when deploying another stage', () => {
      // Prepare
      const wrong = 'stages:\n  prod:\n    mode: enforcing\n';

      // Act
      const problems = problemsOf(parse(wrong), 'dev');

      // Assess
      expect(problems).toEqual(['stages.prod.mode: expected "dry-run" or "enforce", received "enforcing"']);
    });

    it('applies a valid override whose result breaks a rule across fields, naming the field and the stage applied', () => {
      // Prepare: each part is valid alone; together they turn organisation mode on without an organization id.
      const document = { stages: { prod: { organisation: { enabled: true } } } };

      // Act
      const forProd = problemsOf(document, 'prod');
      const forDev = policyFromDocument(document, { stage: 'dev', source: 'policy.json' });

      // Assess
      expect(forProd).toEqual([
        'organisation.organizationId: missing: expected an organization id ("o-" and 10-32 lowercase letters or digits) when organisation.enabled is true (with stages.prod applied)',
      ]);
      expect(forDev.organisation.enabled).toBe(false);
    });

    it('replaces a list with an empty one, rather than keeping the base', () => {
      // Act
      const policy = policyFromDocument(
        { allowedAdmins: ['arn:aws:iam::123456789012:role/admin'], stages: { prod: { allowedAdmins: [] } } },
        PROD,
      );

      // Assess
      expect(policy.allowedAdmins).toEqual([]);
    });

    it('refuses an override that is not a mapping', () => {
      // Act
      const problems = problemsOf({ mode: 'enforce', stages: { prod: null } });

      // Assess
      expect(problems).toEqual(['stages.prod: expected a mapping of policy fields, received null (write {} for none)']);
    });
  });

  describe('faults', () => {
    it('throws a ConfigError naming the source, the stage and every problem, with the validation error as its cause', () => {
      // Act
      let thrown: unknown;
      try {
        policyFromDocument({ mode: 'enforcing', unusedDays: 0 }, { stage: 'prod', source: 'dist/policy.json' });
      } catch (error) {
        thrown = error;
      }

      // Assess
      expect(thrown).toBeInstanceOf(ConfigError);
      expect(thrown).toMatchObject({
        source: 'dist/policy.json',
        stage: 'prod',
        message:
          'dist/policy.json (stage prod): invalid policy: mode: expected "dry-run" or "enforce", received "enforcing"; ' +
          'unusedDays: expected an integer between 1 and 3650, received 0',
      });
      expect((thrown as Error).cause).toBeInstanceOf(Error);
    });

    it.each([
      ['the document itself as (top)', 'mode: enforce', '(top): expected a mapping of policy fields, received "mode: enforce"'],
      [
        'a list item by its index',
        {
          vpcEndpoints: [
            { secrets: ['a'], endpoints: ['vpce-0123456789abcdef0'] },
            { secrets: ['b'], endpoints: ['nope'] },
          ],
        },
        'vpcEndpoints[1].endpoints[0]: expected a VPC endpoint id (vpce-0123456789abcdef0), received "nope"',
      ],
      [
        'a record key that is no identifier in brackets and quotes',
        { rotation: { functions: { byNamePrefix: { 'prod/db/': 'rotate-db' } } } },
        'rotation.functions.byNamePrefix["prod/db/"]: expected a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>), received "rotate-db"',
      ],
    ])('names %s', (_label, document, expected) => {
      // Act
      const problems = problemsOf(document);

      // Assess
      expect(problems).toEqual([expected]);
    });

    it.each([
      ['a near miss, case aside, with the field meant', { Mode: 'enforce' }, 'Mode: unknown field (did you mean "mode"?)'],
      [
        'a field nothing is near, with the fields of its section',
        { rotation: { functions: { zzz: 1 } } },
        'rotation.functions.zzz: unknown field; expected one of byTag, byNamePrefix, default',
      ],
      [
        'stages within a stage, saying it cannot be',
        { stages: { prod: { stages: {} } } },
        'stages.prod.stages: unknown field: a stage override cannot contain "stages"',
      ],
    ])('reports an unknown field: %s', (_label, document, expected) => {
      // Act
      const problems = problemsOf(document);

      // Assess
      expect(problems).toEqual([expected]);
    });

    it('reports a __proto__ key of the JSON as an unknown field, and gives no object a new prototype', () => {
      // Prepare: JSON.parse keeps "__proto__" as an own key, as a packaged policy.json would.
      const document = JSON.parse('{"stages": {"prod": {"__proto__": {"mode": "enforce"}}}}') as unknown;

      // Act
      const [problem] = problemsOf(document);

      // Assess
      expect(problem).toMatch(/^stages\.prod\.__proto__: unknown field; expected one of mode, allowedAdmins, /);
      expect(({} as { mode?: unknown }).mode).toBeUndefined();
    });
  });
});
