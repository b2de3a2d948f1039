/** Exhaustiveness check for switches over a `kind`: adding a kind without handling it fails to compile. */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
