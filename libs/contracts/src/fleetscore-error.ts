/**
 * Marks every fleetscore error, so a guard still recognises one thrown by another copy of a package
 * (a symbol from the global registry, not a class identity nor a name string).
 */
const FLEETSCORE_ERROR = Symbol.for("@fleetscore/contracts:FleetscoreError");

/**
 * The one base of every typed error in fleetscore: a `code` to act on (apps map codes to exit codes and
 * to the flag to blame, never the message text) and the underlying error as `cause`. Each lib declares
 * its own subclass with its own union of codes.
 */
export class FleetscoreError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(message: string, code: Code, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    // The subclass's own name (`ModelStoreError`, ...) in stack traces and logs.
    this.name = new.target.name;
    Object.defineProperty(this, FLEETSCORE_ERROR, { value: true });
  }
}

/**
 * True for any {@link FleetscoreError}; with `codes`, only for one with one of those codes.
 * @example if (isFleetscoreError(e, "Unavailable")) retryLater();
 */
export function isFleetscoreError<Code extends string>(e: unknown, ...codes: readonly Code[]): e is FleetscoreError<Code> {
  if (typeof e !== "object" || e === null || !(FLEETSCORE_ERROR in e)) return false;
  return codes.length === 0 || codes.includes((e as unknown as FleetscoreError).code as Code);
}

/**
 * The type guard of one error class, so each lib states its guard in one line instead of repeating it.
 * @example export const isModelStoreError = errorGuard(ModelStoreError);
 */
export function errorGuard<E extends FleetscoreError>(errorClass: abstract new (...args: never[]) => E): (e: unknown) => e is E {
  return (e: unknown): e is E => e instanceof errorClass;
}
