// How long a share link may be, and the one place that builds the full URL.
//
// The limit is 8000 characters for the whole URL. Why that number:
// - RFC 9110 §4.1 recommends that senders and recipients support URIs of at least 8000 octets;
//   it is the length every part of the chain (browsers, proxies, link checkers) is asked to keep.
// - Desktop browsers accept far more (Chromium up to 2 MiB, Firefox and Safari tens of KiB or
//   more), but Chrome on Android shows 8192 characters in its address bar, and chat apps and
//   mail clients cut or wrap long links well before browsers do.
// - The fragment is never sent to a server, so server limits (often 8 KiB for the request line)
//   do not apply; the binding constraint is people passing the link around.
// 8000 characters hold about 5.9 KB of deflated text: tens of KB of shell scripts and /etc files,
// far more than a lesson's overlay. Anything bigger goes into an exported bundle (zip).
import { encodeShareFragment, type EncodeShareOptions, type EncodedShare } from "./codec.ts";
import { ShareLinkTooLongError } from "./errors.ts";
import type { ShareInput } from "./project.ts";

export const MAX_SHARE_URL_LENGTH = 8000;

export interface ShareUrl extends EncodedShare {
  url: string;
}

/**
 * The share URL for `input` on the page at `pageUrl` (any fragment of it is replaced). Throws
 * ShareLinkTooLongError when the URL would exceed `limit`, ShareBinaryFileError for binary files.
 */
export function buildShareUrl(
  pageUrl: string,
  input: ShareInput,
  options: EncodeShareOptions & { limit?: number } = {},
): ShareUrl {
  const encoded = encodeShareFragment(input, options);
  const hashAt = pageUrl.indexOf("#");
  const url = `${hashAt < 0 ? pageUrl : pageUrl.slice(0, hashAt)}#${encoded.fragment}`;
  checkShareUrlLength(url, options.limit);
  return { ...encoded, url };
}

/** Throws ShareLinkTooLongError when `url` is longer than `limit` characters. */
export function checkShareUrlLength(url: string, limit = MAX_SHARE_URL_LENGTH): void {
  if (url.length > limit) throw new ShareLinkTooLongError(url.length, limit);
}
