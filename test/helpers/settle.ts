/** A call's outcome as data, so a test asserts a rejection like a value. */
export const settle = async (promise: Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> => {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
};
