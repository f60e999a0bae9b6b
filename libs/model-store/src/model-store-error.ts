import { FleetscoreError } from "@fleetscore/contracts";

export type ModelStoreErrorCode =
  /** No artifact for that device x sensor. */
  | "ModelNotFound"
  /** The artifact exists but could not be read (permissions, I/O, storage unavailable). */
  | "Unreadable"
  /** The artifact was read but its content is not a valid model (empty, bad JSON, invalid parameters). */
  | "CorruptModel"
  /** The bytes read do not have the sha256 the version's `_version.json` lists for them. */
  | "ChecksumMismatch"
  /** The store location itself is missing, not a folder, or holds no such version. */
  | "InvalidLocation"
  /** A push was given something it cannot publish (a missing folder, no models, file names outside the seed naming). */
  | "InvalidInput"
  /** A version with that id already exists: versions are immutable. */
  | "VersionExists"
  /** Another push moved `current` at the same time, twice in a row. */
  | "ConcurrentUpdate";

export class ModelStoreError extends FleetscoreError<ModelStoreErrorCode> {}

export const isModelStoreError = (e: unknown): e is ModelStoreError => e instanceof ModelStoreError;
