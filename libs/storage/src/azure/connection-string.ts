import type { AzureBlobLocation } from "../location.js";

/** Azurite's documented development account (public, not a secret), used for `UseDevelopmentStorage=true`. */
const DEV_ACCOUNT = "devstoreaccount1";
const DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** The account key of a connection string that names `location`'s account, else undefined. */
export function accountKeyFor(location: AzureBlobLocation, connectionString: string | undefined): { accountName: string; accountKey: string } | undefined {
  if (!connectionString) return undefined;
  const fields = new Map<string, string>();
  for (const part of connectionString.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  if (fields.get("usedevelopmentstorage")?.toLowerCase() === "true") {
    fields.set("accountname", DEV_ACCOUNT);
    fields.set("accountkey", DEV_KEY);
    fields.set("blobendpoint", `http://127.0.0.1:10000/${DEV_ACCOUNT}`);
  }
  const accountName = fields.get("accountname");
  const accountKey = fields.get("accountkey");
  if (!accountName || !accountKey || accountName.toLowerCase() !== location.accountName.toLowerCase()) return undefined;
  const endpoint = fields.get("blobendpoint");
  const sameEndpoint = endpoint
    ? endpoint.replace(/\/+$/, "").toLowerCase() === location.accountUrl.toLowerCase()
    : location.accountUrl.toLowerCase() === `https://${accountName}.blob.${fields.get("endpointsuffix") ?? "core.windows.net"}`.toLowerCase();
  return sameEndpoint ? { accountName, accountKey } : undefined;
}
