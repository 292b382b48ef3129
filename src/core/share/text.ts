// Whether bytes are text a person can edit: valid UTF-8 without NUL bytes. Share links carry text
// only, and imported archives show such files in the editor and list the others as binary.

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** The bytes as a string when they are editable text, otherwise undefined. */
export function textOf(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    const text = strictUtf8.decode(bytes);
    // TextDecoder drops a leading byte-order mark; keep it, so the bytes come back as they were
    // (and a linter can still point at it: a BOM before "#!" breaks /init).
    const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    return hasBom && !text.startsWith("\uFEFF") ? "\uFEFF" + text : text;
  } catch {
    return undefined;
  }
}
