/** Ports loaded when first called: the load happens once, at the first call, and every call reaches the loaded port unchanged. */
import { describe, expect, it } from 'vitest';
import { onFirstCall, onFirstUse } from '../../shared/adapters/on-first-call.js';

interface Greeter {
  greet(name: string): Promise<string>;
  count(): Promise<number>;
}

/** A loader that counts its loads and builds a greeter whose answers name the load they came from. */
const countingLoader = () => {
  let loads = 0;
  let greeted = 0;
  return {
    loads: () => loads,
    load: (): Promise<Greeter> => {
      loads += 1;
      const load = loads;
      return Promise.resolve({
        greet: (name) => Promise.resolve(`hello ${name} from load ${load}`),
        count: () => Promise.resolve((greeted += 1)),
      });
    },
  };
};

describe('onFirstCall', () => {
  it('loads nothing until a method is called', () => {
    const loader = countingLoader();

    onFirstCall(loader.load, { greet: true, count: true });

    expect(loader.loads()).toBe(0);
  });

  it('loads once, on the first call, and hands every call and its answer to the loaded port', async () => {
    const loader = countingLoader();
    const greeter = onFirstCall(loader.load, { greet: true, count: true });

    const answers = await Promise.all([greeter.greet('ana'), greeter.greet('bo'), greeter.count()]);
    const later = await greeter.count();

    expect(answers).toEqual(['hello ana from load 1', 'hello bo from load 1', 1]);
    expect(later).toBe(2);
    expect(loader.loads()).toBe(1);
  });

  it("passes the loaded port's errors on unchanged", async () => {
    const refusal = new Error('refused');
    const greeter = onFirstCall(
      (): Promise<Greeter> =>
        Promise.resolve({
          greet: () => Promise.reject(refusal),
          count: () => Promise.resolve(0),
        }),
      { greet: true, count: true },
    );

    await expect(greeter.greet('ana')).rejects.toBe(refusal);
  });

  it('fails the call whose load failed, and loads again on the next call', async () => {
    let attempts = 0;
    const greeter = onFirstCall(
      (): Promise<Greeter> => {
        attempts += 1;
        if (attempts === 1) return Promise.reject(new Error('chunk missing'));
        return Promise.resolve({ greet: (name) => Promise.resolve(`hello ${name}`), count: () => Promise.resolve(attempts) });
      },
      { greet: true, count: true },
    );

    await expect(greeter.greet('ana')).rejects.toThrow('chunk missing');
    await expect(greeter.greet('bo')).resolves.toBe('hello bo');
    expect(attempts).toBe(2);
  });
});

describe('onFirstUse', () => {
  it('runs the load once for every caller, and not before the first', async () => {
    let loads = 0;
    const shared = onFirstUse(() => Promise.resolve({ load: (loads += 1) }));

    expect(loads).toBe(0);
    const [first, second] = await Promise.all([shared(), shared()]);

    expect(first).toBe(second);
    expect(loads).toBe(1);
  });
});
