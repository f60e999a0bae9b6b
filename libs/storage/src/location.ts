import { fileURLToPath } from "node:url";
import { BlobStoreError } from "./blob-store-error.js";
import { validateBlobPrefix } from "./blob-name.js";

/** A local folder. */
export interface FolderBlobLocation {
  readonly kind: "folder";
  readonly path: string;
}

/** An Azure Blob container (or Azurite's), with an optional prefix that acts as a folder inside it. */
export interface AzureBlobLocation {
  readonly kind: "azure";
  /** `https://<account>.blob.core.windows.net`, or path-style `http://127.0.0.1:10000/devstoreaccount1`. */
  readonly accountUrl: string;
  readonly accountName: string;
  readonly container: string;
  /** `""`, or segments ending with `/` (`models/v3/`); blob names are relative to it. */
  readonly prefix: string;
}

export type BlobLocation = FolderBlobLocation | AzureBlobLocation;

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const HOST_STYLE = /^([a-z0-9]{3,24})\.blob\./i;
const CONTAINER = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

function invalid(text: string, why: string): BlobStoreError {
  return new BlobStoreError(`Invalid blob location ${JSON.stringify(text)}: ${why}`, "InvalidLocation");
}

/**
 * Reads a location: a local path (or `file://` URL), or an http(s) container URL with an optional prefix:
 * `https://<account>.blob.core.windows.net/<container>/<prefix>`, or path-style (Azurite)
 * `http://127.0.0.1:<port>/devstoreaccount1/<container>/<prefix>`. URLs must not carry credentials (SAS,
 * user:password); those come from the environment.
 * @throws BlobStoreError `InvalidLocation`, saying what is wrong and what was expected.
 */
export function parseBlobLocation(text: string): BlobLocation {
  if (typeof text !== "string" || text.trim() === "") throw invalid(String(text), "expected a folder path or an http(s) container URL");
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: "folder", path: text };
  if (scheme === "file") {
    try {
      return { kind: "folder", path: fileURLToPath(text) };
    } catch (e) {
      throw invalid(text, `not a usable file URL (${(e as Error).message})`);
    }
  }
  if (scheme !== "http" && scheme !== "https") {
    throw invalid(text, `unsupported scheme "${scheme}:"; expected a folder path or an http(s) Azure Blob container URL`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(text, "not a valid URL");
  }
  if (url.username || url.password || url.search) {
    // Never echo the URL: the query may be a SAS token.
    throw new BlobStoreError(
      `Invalid blob location ${url.origin}${url.pathname}: remove the query string or user info (credentials come from AZURE_STORAGE_CONNECTION_STRING or DefaultAzureCredential, never from the location)`,
      "InvalidLocation",
    );
  }
  let segments: string[];
  try {
    segments = url.pathname.split("/").filter((s) => s !== "").map(decodeURIComponent);
  } catch {
    throw invalid(text, "the path is not valid percent-encoding");
  }
  const hostStyle = HOST_STYLE.exec(url.hostname);
  let accountName: string;
  let accountUrl: string;
  if (hostStyle) {
    accountName = hostStyle[1]!.toLowerCase();
    accountUrl = url.origin;
  } else {
    const first = segments.shift();
    if (!first) {
      throw invalid(text, "expected http(s)://<host>:<port>/<account>/<container>[/<prefix>] for a path-style (Azurite) URL");
    }
    accountName = first;
    accountUrl = `${url.origin}/${encodeURIComponent(first)}`;
  }
  const container = segments.shift();
  if (!container) throw invalid(text, "no container; expected <account URL>/<container>[/<prefix>]");
  if (!CONTAINER.test(container)) {
    throw invalid(text, `container name "${container}" must be 3-63 lowercase letters, digits or single hyphens`);
  }
  const prefix = segments.length > 0 ? `${segments.join("/")}/` : "";
  try {
    validateBlobPrefix(prefix);
  } catch (e) {
    throw invalid(text, (e as Error).message);
  }
  return { kind: "azure", accountUrl, accountName, container, prefix };
}

/** The location as text again: the folder path, or `<accountUrl>/<container>/<prefix>`. Holds no credentials. */
export function formatBlobLocation(location: BlobLocation): string {
  if (location.kind === "folder") return location.path;
  return `${location.accountUrl}/${location.container}${location.prefix ? `/${location.prefix}` : ""}`;
}
