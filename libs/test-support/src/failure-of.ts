/** What a failed call threw, with the `code` fleetscore errors carry. */
export type Failure = Error & { code?: string };

/**
 * What `p` (a promise, or a function returning one) rejected with, or undefined when it resolved: lets a
 * conformance suite check an error's `code` with the framework's plain `toBe`, whatever the framework.
 */
export async function failureOf(p: Promise<unknown> | (() => Promise<unknown>)): Promise<Failure | undefined> {
  try {
    await (typeof p === "function" ? p() : p);
    return undefined;
  } catch (e) {
    return e as Failure;
  }
}
