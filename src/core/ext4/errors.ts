// The errors of the ext2/ext4 library. Everything it throws on bad input is an Ext4Error, so a
// caller can tell "this image or tree is bad" (show the message) from a bug (let it crash).

/** Base class: bad input to the ext4 library, with a message meant for the user. */
export class Ext4Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A malformed or unsupported image; `offset` is the byte of the image where the problem is. */
export class Ext4FormatError extends Ext4Error {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {
    super(`at byte ${offset}: ${problem}`);
  }
}

/** An entry the writer cannot store: a name over 255 bytes, a device number ext4 cannot encode. */
export class Ext4EntryError extends Ext4Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

/** The tree does not fit in the image size asked for; `wantBytes` is the least that would do. */
export class Ext4SpaceError extends Ext4Error {
  constructor(
    readonly gotBytes: number,
    readonly wantBytes: number,
    readonly problem: string,
  ) {
    super(`the tree does not fit: got ${formatMiB(gotBytes)}, want at least ${formatMiB(wantBytes)} (${problem})`);
  }
}

export function formatMiB(bytes: number): string {
  const mib = bytes / (1 << 20);
  return `${Number.isInteger(mib) ? mib : mib.toFixed(2)} MiB`;
}
