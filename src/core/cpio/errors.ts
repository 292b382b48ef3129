// The errors of the cpio library. Everything it throws is a CpioError, so a caller can tell
// "this archive or entry is bad" (show the message to the user) from a bug (let it crash).

/** Base class: bad input to the cpio library, with a message meant for the user. */
export class CpioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A malformed archive. `offset` is the byte where the problem was found, counted in the stream
 * being parsed: the input itself, or for a gzip member the decompressed bytes of that member
 * (the message then names both). Messages read "at byte 1234: got X, want Y".
 */
export class CpioFormatError extends CpioError {
  constructor(
    readonly offset: number,
    readonly problem: string,
    /** For a problem inside a gzip member (which starts at `offset`): where in its decompressed bytes. */
    readonly decompressedOffset?: number,
  ) {
    super(
      decompressedOffset === undefined
        ? `at byte ${offset}: ${problem}`
        : `at byte ${offset}: ${problem} (at byte ${decompressedOffset} of the data decompressed from the gzip member that starts here)`,
    );
  }
}

/** A path that is empty, names the root itself, holds a NUL, or climbs out of the root. */
export class CpioPathError extends CpioError {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${JSON.stringify(path)}: ${problem}`);
  }
}

/** An entry the writer cannot store: a mode with type bits, a size over 4 GiB, a dangling hard link. */
export class CpioEntryError extends CpioError {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

/** A line of a gen_init_cpio list that cannot be read; `line` counts from 1. */
export class CpioListError extends CpioError {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}
