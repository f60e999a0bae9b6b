/** How many characters of an input value a message may quote (escaped), at most. */
export const MAX_QUOTED_INPUT_CHARACTERS = 100;

/**
 * An input value as a message quotes it: JSON-escaped, at most {@link MAX_QUOTED_INPUT_CHARACTERS} escaped
 * characters, and, when cut, followed by its full length. Why: a value may be megabytes long (a line without
 * newline) or secret (a model file linked to /etc/passwd); no message, log line or manifest may repeat it whole.
 */
export function quoteInput(text: string, maxCharacters = MAX_QUOTED_INPUT_CHARACTERS): string {
  if (text.length <= maxCharacters) {
    const quoted = JSON.stringify(text);
    if (quoted.length <= maxCharacters + 2) return quoted;
  }
  // Escape character by character so the cut never falls inside an escape sequence (`\n`, `\u0001`).
  let cut = "";
  for (const ch of text) {
    const escaped = JSON.stringify(ch).slice(1, -1);
    if (cut.length + escaped.length > maxCharacters) break;
    cut += escaped;
  }
  return `"${cut}"... (${text.length.toLocaleString("en-US")} characters)`;
}
