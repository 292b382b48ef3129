// Base64url (RFC 4648 §5) without padding: the alphabet A-Z a-z 0-9 - _ needs no percent-encoding
// in a URL fragment, so a share link survives being pasted anywhere. core has no btoa/atob (it
// may not assume DOM or Node globals), hence this small codec.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const VALUES = (() => {
  const values = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) values[ALPHABET.charCodeAt(i)] = i;
  return values;
})();

export function encodeBase64url(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]!;
  }
  return out;
}

/** The index of the first character outside the base64url alphabet, or -1. */
export function firstInvalidBase64urlChar(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || VALUES[code]! < 0) return i;
  }
  return -1;
}

/**
 * Decodes base64url; the caller has checked the alphabet. A dangling last character (length
 * 4k+1, which no encoder produces) is dropped rather than refused: a link cut short ends that way,
 * and the length in the share header then reports it as truncated, which is the truth.
 */
export function decodeBase64url(text: string): Uint8Array {
  const whole = text.length - (text.length % 4 === 1 ? 1 : 0);
  const out = new Uint8Array(Math.floor((whole * 6) / 8));
  let o = 0;
  let bits = 0;
  let acc = 0;
  for (let i = 0; i < whole; i++) {
    acc = (acc << 6) | VALUES[text.charCodeAt(i)]!;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  return out;
}

/**
 * Whether the unused low bits of the last character are zero, as every encoder leaves them.
 * Without this check two different links would decode to the same bytes, and a changed last
 * character could go unnoticed.
 */
export function hasCanonicalTail(text: string): boolean {
  const last = text.length === 0 ? 0 : VALUES[text.charCodeAt(text.length - 1)]!;
  if (text.length % 4 === 2) return (last & 0b1111) === 0;
  if (text.length % 4 === 3) return (last & 0b11) === 0;
  return true;
}
