export type ModelStoreErrorCode =
  /** No artifact for that device x sensor. */
  | "ModelNotFound"
  /** The artifact exists but could not be read (permissions, I/O). */
  | "Unreadable"
  /** The artifact was read but its content is not a valid model (empty, bad JSON, invalid parameters). */
  | "CorruptModel"
  /** The store location itself is missing or not a folder. */
  | "InvalidLocation";

export class ModelStoreError extends Error {
  override name = "ModelStoreError";
  constructor(
    message: string,
    readonly code: ModelStoreErrorCode,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const isModelStoreError = (e: unknown): e is ModelStoreError =>
  e instanceof Error && e.name === "ModelStoreError";
