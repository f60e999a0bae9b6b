/**
 * A location as it may be shown and recorded: URLs lose their user info (`user:password@`) and their query
 * (a SAS token is one), keeping its parameter names; paths stay as they are.
 */
export function redactLocation(location: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return location;
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    // Not a URL we can take apart: show only its scheme.
    return `${location.slice(0, location.indexOf("://"))}://<redacted>`;
  }
  const names = [...new Set(url.searchParams.keys())];
  url.username = "";
  url.password = "";
  url.search = "";
  return names.length > 0 ? `${url.toString()}?${names.map((n) => `${n}=<redacted>`).join("&")}` : url.toString();
}
