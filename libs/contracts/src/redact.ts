/**
 * Credentials in locations: `user:password@` in any URL, and a SAS token's signature (`sig=`) or any
 * query string of an http(s) URL (Blob locations take their credentials from the environment, never
 * from the location). One definition for every app and lib, so every location is treated the same way.
 */
const USERINFO_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*):[^\s@/]*@/gi;
const SAS_SIGNATURE = /([?&]sig=)[^&\s"']*/gi;
const KEY_VALUE_SECRETS = /\b(AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd)=[^;\s"']*/gi;

/** The text with every URL password, SAS signature and connection-string key replaced by `***`. */
export function redactCredentials(text: string): string {
  return text.replace(USERINFO_PASSWORD, "$1:***@").replace(SAS_SIGNATURE, "$1***").replace(KEY_VALUE_SECRETS, "$1=***");
}

/**
 * Why `value` must not be given as a location, or undefined when it is fine: an http(s) URL with user
 * info or a query string (a SAS token). SQL URLs may carry a password: the SQL stores redact it.
 */
export function credentialInLocation(value: string): string | undefined {
  if (!/^https?:\/\//i.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.username || url.password) return "remove the user info from the URL";
  if (url.search) return "remove the query string (a SAS token) from the URL";
  return undefined;
}
