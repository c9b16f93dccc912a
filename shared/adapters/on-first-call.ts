/**
 * Adapters loaded when first called. The composition root (aws-account.ts) reaches the code only
 * some policies or some events need — the member roles (STS) and Organizations in organisation
 * mode, Security Hub, Slack, CloudTrail's event history, AWS Config — through a dynamic
 * `import()` behind these helpers, so a function's cold start neither evaluates nor (with the
 * bundles split into chunks) reads that code, and a deployment that never needs it never does.
 * Every port method is already async, so the wait for the first load hides inside the first call.
 */

/** Every method of port `P`, named once: a method added to the port but not here fails to compile. */
export type MethodNames<P> = { readonly [K in keyof P]-?: true };

/** A port whose every member is an async method (what {@link onFirstCall} can defer). */
type AsyncPort<P> = { readonly [K in keyof P]: (...args: never[]) => Promise<unknown> };

/**
 * `load` run once, when first asked for: callers share its promise; a failed load is not
 * remembered, so the next caller tries again instead of every later call failing the same way.
 */
export const onFirstUse = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
};

/**
 * A `P` whose methods load the real port with `load` on the first call (once, {@link onFirstUse}),
 * then hand every call to it unchanged: same arguments, same answer, same errors.
 */
export const onFirstCall = <P extends AsyncPort<P>>(load: () => Promise<P>, methods: MethodNames<P>): P => {
  const port = onFirstUse(load);
  return Object.fromEntries(
    Object.keys(methods).map((name) => [
      name,
      async (...args: unknown[]): Promise<unknown> => {
        const loaded = await port();
        return Reflect.apply(loaded[name as keyof P], loaded, args) as Promise<unknown>;
      },
    ]),
  ) as unknown as P;
};
