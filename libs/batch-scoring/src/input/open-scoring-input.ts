import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { OperationOptions } from "@fleetscore/contracts";
import { isBlobStoreError } from "@fleetscore/storage";
import { aggregatesRangeLocation, formatWindowSize, isAggregateStoreError, isSqlUrl, openAggregateStore, parseWindowSize, type AggregateStore } from "@fleetscore/sql-aggregates";
import { BatchScoringError } from "../batch-scoring-error.js";
import { redactLocation } from "./redact-location.js";
import type { FileScoringInput, ScoringInput, WindowsScoringInput } from "./scoring-input.js";

export interface OpenScoringInputOptions extends OperationOptions {
  /** For a SQL input, required: the window ends to score, `(from, to]` (ISO 8601 or `Date`). Refused for a CSV. */
  readonly range?: { readonly from: string | Date; readonly to: string | Date };
  /** For a SQL input: the window size to score (`5s`, `1m`); required when the database holds several. */
  readonly windowSize?: string;
  /** Credentials: `AZURE_STORAGE_CONNECTION_STRING` for blob URLs (libs never read `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** The SQL password, when it is not in the URL (e.g. from FLEETSCORE_SQL_PASSWORD). Never shown. */
  readonly sqlPassword?: string;
}

/**
 * Opens what a run scores, validated once before any work:
 * - a readings CSV file, plain or gzip (a path);
 * - a CSV blob (`http(s)://<account>/<container>/<name>`), streamed to a local temporary copy (the scorer
 *   reads its data twice over: gzip detection, then the stream);
 * - window aggregates in SQL (`sqlite:`, `postgres://`, `mssql://`) with a `range`: their means are scored.
 *
 * Close the input when the run is done. Every error names the location, without credentials.
 * @throws BatchScoringError `InputNotFound` (no such file, blob or database), `InvalidInput` (a location or
 *   store that cannot be used), `InvalidRange` (a SQL input without a valid range, or a CSV with one),
 *   `InvalidWindowSize` (a SQL database of several window sizes without `windowSize`, or a size it does not
 *   hold; a size for a CSV), `InputUnavailable` (storage or database unreachable: a run-time failure); the signal's `AbortError`.
 */
export async function openScoringInput(location: string, options: OpenScoringInputOptions = {}): Promise<ScoringInput> {
  if (isSqlUrl(location)) return openWindows(location, options);
  if (options.range || options.windowSize) {
    const what = options.range ? "a range of window ends" : "a window size";
    throw new BatchScoringError(`${redactLocation(location)} is a readings CSV, scored whole: ${what} selects windows of a SQL input (sqlite:, postgres://, mssql://)`, options.range ? "InvalidRange" : "InvalidWindowSize");
  }
  return /^https?:\/\//i.test(location) ? openBlobCopy(location, options) : openFile(location, location);
}

async function openFile(path: string, location: string, close: () => Promise<void> = async () => undefined): Promise<FileScoringInput> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new BatchScoringError(`Data file ${location} is a folder, expected a CSV file`, "InputNotFound");
    size = s.size;
  } catch (e) {
    await close();
    if (e instanceof BatchScoringError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : code === "EACCES" ? "cannot be read (permission denied)" : `cannot be read (${code ?? "unknown error"})`;
    throw new BatchScoringError(`Data file ${location} ${why}`, "InputNotFound", { cause: e });
  }
  return { kind: "file", location, path, sizeInBytes: size, close };
}

async function openBlobCopy(url: string, options: OpenScoringInputOptions): Promise<FileScoringInput> {
  const location = redactLocation(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (e) {
    throw new BatchScoringError(`Data location ${location} is not a valid URL`, "InvalidInput", { cause: e });
  }
  const slash = parsed.pathname.lastIndexOf("/");
  const name = decodeURIComponent(parsed.pathname.slice(slash + 1));
  // The container (with its SAS token, if any): the store is opened there and the blob read by name.
  const container = `${parsed.origin}${parsed.pathname.slice(0, slash)}${parsed.search}`;
  const dir = await mkdtemp(join(tmpdir(), "fleetscore-data-"));
  const path = join(dir, name || "data.csv");
  const close = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const { openBlobStore } = await import("@fleetscore/storage/azure");
    const signal = options.abortSignal ? { abortSignal: options.abortSignal } : {};
    const store = await openBlobStore(container, { ...(options.env && { env: options.env }), ...signal });
    await pipeline(await store.getStream(name, signal), createWriteStream(path));
  } catch (e) {
    await close();
    if (isBlobStoreError(e)) {
      const code = e.code === "BlobNotFound" ? "InputNotFound" : e.code === "Unavailable" ? "InputUnavailable" : "InvalidInput";
      throw new BatchScoringError(`cannot read ${location}: ${e.message}`, code, { cause: e });
    }
    if (e instanceof TypeError) throw new BatchScoringError(`cannot read ${location}: ${e.message}`, "InvalidInput", { cause: e });
    throw e;
  }
  return openFile(path, location, close);
}

async function openWindows(url: string, options: OpenScoringInputOptions): Promise<WindowsScoringInput> {
  const shown = redactLocation(url);
  if (!options.range) throw new BatchScoringError(`${shown} is a SQL database of window aggregates: give the range of window ends to score, (from, to]`, "InvalidRange");
  const fromMs = toMs(options.range.from);
  const toMsValue = toMs(options.range.to);
  if (!(fromMs < toMsValue)) throw new BatchScoringError(`The range (${String(options.range.from)}, ${String(options.range.to)}] of ${shown} is empty or invalid: from must be a time before to`, "InvalidRange");
  let store;
  try {
    store = await openAggregateStore(url, { ...(options.sqlPassword && { password: options.sqlPassword }), migrate: false, ...(options.abortSignal && { abortSignal: options.abortSignal }) });
  } catch (e) {
    if (!isAggregateStoreError(e)) throw e;
    // The store's messages name the database without its password.
    const code = e.code === "Unavailable" ? "InputUnavailable" : e.code === "InvalidLocation" ? "InputNotFound" : "InvalidInput";
    throw new BatchScoringError(e.message, code, { cause: e });
  }
  const opened = store;
  let windowMs: number | undefined;
  try {
    windowMs = await chooseWindowSize(opened, options.windowSize);
  } catch (e) {
    await opened.close();
    throw e;
  }
  return {
    kind: "windows",
    location: aggregatesRangeLocation(opened, fromMs, toMsValue) + (windowMs === undefined ? "" : ` of ${formatWindowSize(windowMs)}`),
    fromMs,
    toMs: toMsValue,
    readWindows: (models, readOptions = {}) =>
      opened.readMeans({
        fromMs,
        toMs: toMsValue,
        ...(windowMs !== undefined && { windowMs }),
        ...(models && { models }),
        ...(readOptions.abortSignal && { abortSignal: readOptions.abortSignal }),
      }),
    close: () => opened.close(),
  };
}

function toMs(t: string | Date): number {
  return t instanceof Date ? t.getTime() : Date.parse(t);
}

/**
 * The window size to read, checked against the sizes the database holds: several need a choice, and a choice
 * must be one of them. A database without windows yet has nothing to read whatever the size (undefined).
 */
async function chooseWindowSize(store: AggregateStore, windowSize: string | undefined): Promise<number | undefined> {
  const sizes = await store.windowSizes();
  if (sizes.length === 0) return undefined;
  const held = sizes.map(formatWindowSize).join(", ");
  if (windowSize === undefined) {
    if (sizes.length === 1) return sizes[0]!;
    throw new BatchScoringError(`${store.location} holds windows of ${sizes.length} sizes (${held}); choose one with --window <size>`, "InvalidWindowSize");
  }
  let windowMs: number;
  try {
    windowMs = parseWindowSize(windowSize);
  } catch (e) {
    throw new BatchScoringError((e as Error).message, "InvalidWindowSize", { cause: e });
  }
  if (!sizes.includes(windowMs)) throw new BatchScoringError(`${store.location} holds no windows of that size (it holds ${held})`, "InvalidWindowSize");
  return windowMs;
}
