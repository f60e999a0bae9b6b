/**
 * Whether a location names a SQL database (`sqlite:`, `postgres://`, `postgresql://`, `mssql://`, `sqlserver://`) rather
 * than a file or blob: apps use it to pick how to read `--data`. It does not validate the rest.
 */
export function isSqlUrl(text: string): boolean {
  return /^(sqlite:|postgres(ql)?:\/\/|mssql:\/\/|sqlserver:\/\/)/i.test(text);
}
