/**
 * The few parts of the Serverless Framework (osls) that the local plugins use, typed for
 * `// @ts-check` in deploy/ (the framework ships no types). Shapes as the framework passes them.
 */
/** A CloudFormation resource as the compiled template holds it. */
export interface TemplateResource {
  Type?: string;
  Condition?: string;
  DependsOn?: string[];
  // Free-form CloudFormation: the plugins read paths of it that differ per resource type.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  Properties?: Record<string, any>;
}

export interface Serverless {
  readonly serviceDir: string;
  readonly service: {
    /** The service's name (`service:` in serverless.yml). */
    readonly service: string;
    readonly custom?: {
      readonly operations?: OperationsSettings;
      readonly ruleRetryPolicy?: { readonly maximumEventAge: number; readonly maximumRetryAttempts: number };
      readonly [key: string]: unknown;
    };
    readonly provider: {
      readonly stage?: string;
      readonly region?: string;
      readonly environment?: Readonly<Record<string, string | undefined>>;
      readonly compiledCloudFormationTemplate: { Resources: Record<string, TemplateResource> };
    };
  };
  readonly cli: { log(message: string): void };
  getProvider(name: 'aws'): { readonly naming: { getLambdaLogicalId(functionName: string): string } };
}

/** `custom.operations`: the policy's operations section for the stage (deploy/variables/operations-settings.cjs). */
export interface OperationsSettings {
  /** Where alarms notify: the operations topic, and the alert topic when the policy says. */
  readonly alarmActions: readonly unknown[];
  /** Hours without a completed sweep before the heartbeat alarm fires. */
  readonly sweepHeartbeatHours: number;
}

/** The command line's options (`--stage`, `--region`). */
export interface CliOptions {
  readonly stage?: string;
  readonly region?: string;
}
