// Flat config: typescript-eslint's recommended rules with type information, so
// floating promises and unsafe `any` flows are caught before they reach AWS.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Imports run one way: each folder of shared/ names the folders it may import, all of them
 * below it in this list, so no import runs back up and no two folders import each other.
 * Nothing in shared/ imports functions/ (the Lambda entries wire shared/, never the reverse),
 * and only shared/adapters/ imports the AWS SDK. errors.ts, time.ts, retry.ts and logger.ts are
 * the ground floor, open to every folder; errors.ts, time.ts and retry.ts import no folder at all
 * (`groundFloor` below). config.ts (the environment) is read by the functions and the CLI only.
 *
 *   contracts   the event and finding shapes, and the constants they name
 *   policy      the policy file's schema;          ports  the interfaces to AWS
 *   middleware  the middy pieces and baseChain()
 *   domain      the rule catalogue and its pure decisions, the classify use case
 *   alerts / securityhub / sweep / actions / rules   the use cases of each area (Security Hub: ASFF
 *                                      out through BatchImportFindings), and the EventBridge routes
 *   adapters / sandbox                 AWS behind the ports, and the in-memory account
 *   handlers    one per function: parse, then the use case, on baseChain()
 *   replay / cli                       the local chain and the commands
 */
const mayImport = {
  contracts: [],
  policy: ['contracts'],
  ports: ['contracts'],
  middleware: [],
  domain: ['contracts', 'policy', 'ports'],
  alerts: ['contracts', 'policy', 'ports', 'domain'],
  // An ASFF document says what an alert says (its next step is the Recommendation).
  securityhub: ['contracts', 'policy', 'ports', 'domain', 'alerts'],
  // The sweep's summary is an alert: it takes the alerts' subject rules (SNS's limit, ASCII only);
  // `scan` writes ASFF too.
  sweep: ['contracts', 'policy', 'ports', 'domain', 'alerts', 'securityhub'],
  actions: ['contracts', 'policy', 'ports', 'domain', 'alerts', 'sweep'],
  rules: ['contracts', 'policy'],
  adapters: ['contracts', 'policy', 'ports'],
  sandbox: ['contracts', 'policy', 'ports', 'domain'],
  handlers: ['contracts', 'policy', 'ports', 'middleware', 'domain', 'alerts', 'securityhub', 'sweep', 'actions'],
  replay: [
    'contracts',
    'policy',
    'ports',
    'middleware',
    'domain',
    'alerts',
    'securityhub',
    'sweep',
    'actions',
    'rules',
    'sandbox',
    'handlers',
  ],
  cli: [
    'contracts',
    'policy',
    'ports',
    'middleware',
    'domain',
    'alerts',
    'securityhub',
    'sweep',
    'actions',
    'rules',
    'adapters',
    'sandbox',
    'handlers',
    'replay',
    'config',
  ],
};
const sdk = ['@aws-sdk/*', 'node:fs', 'node:fs/*', 'node:child_process'];

/** The ground floor's modules that every folder may import: they import only each other, no folder of shared/. */
const groundFloor = ['shared/errors.ts', 'shared/time.ts', 'shared/retry.ts'];

/** One no-restricted-imports block per folder of shared/: the folders it may not import, and the SDK outside adapters. */
const importZones = () =>
  Object.entries(mayImport).map(([area, allowed]) => {
    const forbidden = [...Object.keys(mayImport), 'config'].filter((other) => other !== area && !allowed.includes(other));
    return {
      files: [`shared/${area}/**/*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              ...(forbidden.length === 0
                ? []
                : [
                    {
                      group: forbidden.map((other) => (other === 'config' ? '../config.js' : `../${other}/*`)),
                      message: `imports run one way: shared/${area}/ may import only ${[...allowed, 'errors', 'logger', 'metrics', 'time', 'retry'].map((a) => `shared/${a}`).join(', ')} (see the layers in eslint.config.js)`,
                    },
                  ]),
              { group: ['**/functions/*'], message: 'shared/ never imports functions/: the Lambda entries wire shared/, not the reverse' },
              // The domain is pure (no I/O): a test enforces it too; the linter says it sooner.
              ...(area === 'adapters'
                ? []
                : [
                    {
                      group: area === 'domain' ? sdk : ['@aws-sdk/*'],
                      message: 'only shared/adapters/ talks to AWS (behind shared/ports/)',
                    },
                  ]),
            ],
          },
        ],
      },
    };
  });

export default tseslint.config(
  { ignores: ['node_modules/', '.serverless/', '.esbuild/', 'coverage/', '.bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      // With verbatimModuleSyntax, `import { type A } from 'm'` stays `import 'm'`: the bundle
      // keeps m and runs its top level at cold start for a type. `import type` drops it.
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Asymmetric matchers (expect.stringContaining, ...) are typed `any` by design.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off', '@typescript-eslint/no-unsafe-argument': 'off' },
  },
  {
    // The npx bin: plain ESM that hands over to the TypeScript CLI, outside the TypeScript project.
    files: ['bin/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { parserOptions: { projectService: false, project: false } },
  },
  {
    // Serverless Framework plugins are CommonJS, outside the TypeScript project.
    files: ['**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, project: false },
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' },
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
  ...importZones(),
  {
    files: groundFloor,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['./*/**', '../**'],
              message: 'the ground floor (errors.ts, time.ts, retry.ts) imports no folder of shared/: every folder imports it',
            },
          ],
        },
      ],
    },
  },
  {
    // A Lambda entry wires configuration, adapters and its handler: never the local replay or the CLI.
    files: ['functions/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/shared/replay/*', '**/shared/cli/*', '**/shared/sandbox/*'],
              message: 'functions/ wire AWS adapters to shared/handlers, never the replay, the CLI or the sandbox',
            },
          ],
        },
      ],
    },
  },
);
