// Why a bundle zip could not be read. One class per cause, each with a `code` (errors cross
// comlink and postMessage as plain { code, message }) and a message that says what to do.

export type BundleErrorCode = "not-a-zip" | "missing-part" | "corrupt-part" | "bad-manifest" | "newer-format";

export class BundleError extends Error {
  constructor(
    readonly code: BundleErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "BundleError";
  }
}

/** The bytes are not a zip archive at all, or its directory is damaged. */
export class BundleNotZipError extends BundleError {
  constructor(readonly reason: string) {
    super("not-a-zip", `This is not a readable zip file (${reason}). Export the bundle again from the playground, or check that the download finished.`);
    this.name = "BundleNotZipError";
  }
}

/** A part the bundle needs is not in the zip. */
export class BundleMissingPartError extends BundleError {
  constructor(readonly part: string) {
    super(
      "missing-part",
      `The bundle has no ${part}${part === "bundle.json" ? ", so it is not a bootlab bundle (or it was repacked without it)" : ""}. Export the bundle again from the playground; a bundle holds bundle.json, bzImage, initramfs.cpio.gz, run-qemu.sh, README.md and src/.`,
    );
    this.name = "BundleMissingPartError";
  }
}

/** A part is there but its bytes are damaged or are not what the part should be. */
export class BundleCorruptPartError extends BundleError {
  constructor(
    readonly part: string,
    readonly reason: string,
  ) {
    super("corrupt-part", `The bundle's ${part} is damaged: ${reason}. Export the bundle again from the playground.`);
    this.name = "BundleCorruptPartError";
  }
}

/** bundle.json is there but does not say what a bundle manifest says. */
export class BundleManifestError extends BundleError {
  constructor(readonly reason: string) {
    super("bad-manifest", `The bundle's bundle.json is not a valid manifest: ${reason}. Export the bundle again from the playground.`);
    this.name = "BundleManifestError";
  }
}

/** The bundle was made by a newer bootlab. */
export class BundleNewerFormatError extends BundleError {
  constructor(
    readonly bundleVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      "newer-format",
      `The bundle uses format version ${bundleVersion}, but this bootlab reads versions up to ${supportedVersion}. Update bootlab (npm install in its checkout, or reload the page), or boot it with its own run-qemu.sh.`,
    );
    this.name = "BundleNewerFormatError";
  }
}

/**
 * The system cannot be made into a bundle (not a reading error: nothing was exported). A bundle
 * holds a kernel and one initramfs, so a plan that boots a disk root has nothing to put in it.
 */
export class BundleBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BundleBuildError";
  }
}
