/**
 * The rotation functions the policy maps (by name prefix and the default). enable-rotation may
 * only choose among these — a function named by a secret's tag must be one of them — because
 * its role may invoke only these (RotateSecret needs lambda:InvokeFunction on the function).
 */
import type { Policy } from '../policy/schema.js';

export const mappedRotationFunctions = (policy: Pick<Policy, 'rotation'>): string[] => {
  const { byNamePrefix, default: fallback } = policy.rotation.functions;
  return [...new Set([...Object.values(byNamePrefix), ...(fallback ? [fallback] : [])])].sort();
};
