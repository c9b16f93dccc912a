/** The rotation functions enable-rotation may choose among: those the policy maps, each once, in order. */
import { describe, expect, it } from 'vitest';
import { mappedRotationFunctions } from '../../shared/actions/rotation-functions.js';
import type { Policy } from '../../shared/policy/schema.js';
import { samplePolicy } from '../helpers/policy.js';

const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

/** The sample policy's rotation, with these functions mapped. */
const rotationWith = (byNamePrefix: Record<string, string>, fallback: string | null): Pick<Policy, 'rotation'> => ({
  rotation: { ...samplePolicy.rotation, functions: { ...samplePolicy.rotation.functions, byNamePrefix, default: fallback } },
});

describe('Function: mappedRotationFunctions', () => {
  it('lists the functions mapped by name prefix and the default, each once, sorted', () => {
    // Act
    const functions = mappedRotationFunctions(
      rotationWith({ 'prod/db/': fn('rotate-db'), 'dev/db/': fn('rotate-db'), 'prod/api/': fn('rotate-api') }, fn('rotate-any')),
    );

    // Assess
    expect(functions).toStrictEqual([fn('rotate-any'), fn('rotate-api'), fn('rotate-db')]);
  });

  it('lists none when the policy maps none and has no default', () => {
    expect(mappedRotationFunctions(rotationWith({}, null))).toStrictEqual([]);
  });
});
