/**
 * The policy file's errors: a `ConfigError`, so a bad policy fails the cold start (and the
 * packaging) the way a bad environment does, naming the file, the stage and every field at fault.
 */
import { ConfigError } from '../errors.js';

/** Which policy was read: the file (or other source) and the stage whose overrides applied. */
export interface PolicySource {
  readonly source: string;
  readonly stage: string;
}

/** The policy file does not validate; `problems` holds one `path: what is wrong` per fault. */
export class PolicyError extends ConfigError {
  public readonly source: string;
  public readonly stage: string;
  /** Each problem as `rotation.maxAgeDays: expected an integer between 1 and 1000, received "ninety"`. */
  public readonly problems: readonly string[];

  public constructor(where: PolicySource, problems: readonly string[], options?: ErrorOptions) {
    super(`${where.source} (stage ${where.stage}): invalid policy: ${problems.join('; ')}`, options);
    this.name = 'PolicyError';
    this.source = where.source;
    this.stage = where.stage;
    this.problems = problems;
  }
}

/** The policy file is missing or cannot be read; its one problem says which. */
export class PolicyFileError extends PolicyError {
  public constructor(where: PolicySource, problem: string, options?: ErrorOptions) {
    super(where, [problem], options);
    this.name = 'PolicyFileError';
    // Not "invalid policy": there is no policy to judge.
    this.message = `${where.source} (stage ${where.stage}): ${problem}`;
  }
}
