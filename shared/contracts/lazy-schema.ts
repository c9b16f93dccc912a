/**
 * Schemas built when first used. Building a zod schema is work at every cold start: each
 * object, field and check is a zod instance (classify built 372 of them before its first event),
 * and each function parses only some of the shapes the contracts define — classify no finding,
 * and a Security Hub or Config event only where the policy and the account send one. A schema
 * behind `lazySchema` costs nothing until a parse needs it, then is built once per container.
 */
export const lazySchema = <S>(build: () => S): (() => S) => {
  let schema: S | undefined;
  return () => (schema ??= build());
};
