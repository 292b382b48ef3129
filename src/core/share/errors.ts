// Why a share link could not be made or read. One class per cause so callers can `instanceof`,
// plus a `code` string because errors cross comlink and postMessage as plain { code, message }.
// Every message says what went wrong and what the reader can do about it.

export type ShareLinkErrorCode = "corrupt" | "truncated" | "newer-format" | "too-long" | "binary-file";

export class ShareLinkError extends Error {
  constructor(
    readonly code: ShareLinkErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ShareLinkError";
  }
}

/** The link is damaged: bad characters, a checksum that does not match, or nonsense inside. */
export class ShareLinkCorruptError extends ShareLinkError {
  constructor(readonly reason: string) {
    super(
      "corrupt",
      `This share link is damaged (${reason}). Nothing was changed. Ask whoever sent it for the link again, or for an exported bundle (zip).`,
    );
    this.name = "ShareLinkCorruptError";
  }
}

/** The link was cut short, usually by a chat app, a mail client or a partial copy. */
export class ShareLinkTruncatedError extends ShareLinkError {
  constructor(
    readonly gotBytes: number,
    readonly wantBytes: number,
  ) {
    super(
      "truncated",
      `This share link is incomplete: it carries ${gotBytes} of its ${wantBytes} bytes, so it was probably cut off when it was copied or sent. Nothing was changed. Copy the whole link again, or ask for an exported bundle (zip).`,
    );
    this.name = "ShareLinkTruncatedError";
  }
}

/** The link was made by a newer bootlab whose format this one cannot read. */
export class ShareLinkNewerFormatError extends ShareLinkError {
  constructor(
    readonly linkVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      "newer-format",
      `This share link uses format version ${linkVersion}, but this copy of bootlab reads versions up to ${supportedVersion}. Nothing was changed. Reload the page to get the newest bootlab, then open the link again.`,
    );
    this.name = "ShareLinkNewerFormatError";
  }
}

/** The link would be longer than browsers, chat apps and mail clients reliably keep. */
export class ShareLinkTooLongError extends ShareLinkError {
  constructor(
    readonly length: number,
    readonly limit: number,
  ) {
    super(
      "too-long",
      `This project makes a share link of ${length} characters, more than the ${limit} that browsers, chat apps and mail clients reliably keep, so it would arrive cut off. Export it as a bundle (zip) instead, or make the files smaller.`,
    );
    this.name = "ShareLinkTooLongError";
  }
}

/** Share links carry text; these files are not text. */
export class ShareBinaryFileError extends ShareLinkError {
  constructor(readonly paths: readonly string[]) {
    super(
      "binary-file",
      `Share links carry text files only, and ${paths.length === 1 ? "this file is" : "these files are"} binary: ${paths.join(", ")}. Remove ${paths.length === 1 ? "it" : "them"} from the project, or export a bundle (zip), which keeps binary files.`,
    );
    this.name = "ShareBinaryFileError";
  }
}
