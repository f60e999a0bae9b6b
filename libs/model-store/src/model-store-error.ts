import { FleetscoreError, errorGuard } from "@fleetscore/contracts";

/**
 * - `ModelNotFound`: No artifact for that device x sensor.
 * - `Unreadable`: The artifact exists but could not be read (permissions, I/O, storage unavailable).
 * - `CorruptModel`: The artifact was read but its content is not a valid model (empty, bad JSON, invalid parameters).
 * - `ChecksumMismatch`: The bytes read do not have the sha256 the version's `_version.json` lists for them.
 * - `InvalidLocation`: The store location itself is missing, not a folder, or holds no such version.
 * - `InvalidInput`: A push was given something it cannot publish (a missing folder, no models, file names outside the seed naming).
 * - `VersionExists`: A version with that id already exists: versions are immutable.
 * - `ConcurrentUpdate`: Another push moved `current` at the same time, twice in a row.
 */
export type ModelStoreErrorCode = "ModelNotFound" | "Unreadable" | "CorruptModel" | "ChecksumMismatch" | "InvalidLocation" | "InvalidInput" | "VersionExists" | "ConcurrentUpdate";

export class ModelStoreError extends FleetscoreError<ModelStoreErrorCode> {}

export const isModelStoreError = errorGuard(ModelStoreError);
