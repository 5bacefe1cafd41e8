/**
 * Loaded by scripts/run-tests.ts before every uvu file (`node --import tsx --import <this>`).
 *
 * uvu 0.5 runs `test.after` hooks in a `finally` that ends in `return`, which throws away an error
 * of a `test.before` hook: the file prints no error, reports `Passed: 0` and exits 0. This wraps
 * the hooks of the default `test` so their error is printed (`# HOOK FAILED ...`, which the runner
 * turns into the reason of the failure) before uvu loses it. Suites made with `suite()` are not
 * wrapped; none of ours uses one.
 */
import { test } from 'uvu';

type Hook = (handler: (context: any) => unknown) => void;

function wrap(name: string, register: Hook): Hook {
  return (handler) =>
    register(async (context) => {
      try {
        await handler(context);
      } catch (error) {
        const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
        const [first, ...rest] = text.split('\n');
        console.log(`# HOOK FAILED ${name}: ${first}${rest.length ? `\n${rest.join('\n')}` : ''}`);
        process.exitCode = 1;
        throw error;
      }
    });
}

const hooks = test as unknown as { before: Hook & { each: Hook }; after: Hook & { each: Hook } };
const before = hooks.before;
const after = hooks.after;
hooks.before = Object.assign(wrap('test.before', before), { each: wrap('test.before.each', before.each) });
hooks.after = Object.assign(wrap('test.after', after), { each: wrap('test.after.each', after.each) });
