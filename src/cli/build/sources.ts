// Every source `bootlab build` uses, pinned. Two routes lead to the same bytes where upstream
// and Debian ship the same tarball (BusyBox and musl: Debian's orig tarballs ARE the upstream
// release tarballs, same sha256), so the outputs do not depend on the route:
//   - Debian's archive, through the ordinary apt tools (the only route on a machine that reaches
//     nothing else); apt checks every file against the archive's signed checksums, and bootlab
//     checks the pinned sha256 on top;
//   - the upstream release URL, for machines on the open internet without apt.
// The kernel is the exception: Debian's linux-source-6.1 is Debian-patched, so it is pinned as
// that .deb; the plain kernel.org tarball of the same version builds a different kernel, and
// its sha256 has not been verified here, so bootlab refuses to use it unpinned.

export interface UpstreamRelease {
  url: string;
  /** sha256 of the file at `url`; null when nobody has verified it (the route is then refused). */
  sha256: string | null;
  /** Why the pin is what it is. */
  note: string;
}

/** A binary package fetched with `apt-get download PACKAGE=VERSION`. */
export interface DebianBinaryPin {
  kind: "binary";
  package: string;
  version: string;
  /** The .deb file apt-get writes. */
  file: string;
  /** sha256 of that .deb (the archive's Packages index lists the same). */
  sha256: string;
  /** The file inside the .deb that the build uses. */
  member: string;
}

/** An upstream tarball fetched with `apt-get source --download-only PACKAGE` (any Debian revision). */
export interface DebianSourcePin {
  kind: "source";
  package: string;
  /** The orig tarball's file name. */
  file: string;
  /** sha256 of the orig tarball, equal to the upstream release tarball's. */
  sha256: string;
}

export interface SourcePin {
  name: "linux" | "busybox" | "musl" | "seabios" | "tcc";
  /** The upstream version. */
  version: string;
  /** What the tree extracts to, inside the tarball. */
  topDirectory?: string;
  debian: DebianBinaryPin | DebianSourcePin;
  upstream: UpstreamRelease | null;
}

export const LINUX: SourcePin = {
  name: "linux",
  version: "6.1.192",
  topDirectory: "linux-source-6.1",
  debian: {
    kind: "binary",
    package: "linux-source-6.1",
    version: "6.1.192-2",
    file: "linux-source-6.1_6.1.192-2_all.deb",
    sha256: "ae95fe63d4c553f8d0e6c86cb1ab566f3894a43743eb19ab585cd97d82f26514",
    member: "./usr/src/linux-source-6.1.tar.xz",
  },
  upstream: {
    url: "https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.1.192.tar.xz",
    sha256: null,
    note: "not verified here (no route to kernel.org); it is also unpatched, so its kernel differs from the Debian-patched prebuilt one",
  },
};

export const BUSYBOX: SourcePin = {
  name: "busybox",
  version: "1.35.0",
  topDirectory: "busybox-1.35.0",
  debian: {
    kind: "source",
    package: "busybox",
    file: "busybox_1.35.0.orig.tar.bz2",
    sha256: "faeeb244c35a348a334f4a59e44626ee870fb07b6884d68c10ae8bc19f83a694",
  },
  upstream: {
    url: "https://busybox.net/downloads/busybox-1.35.0.tar.bz2",
    sha256: "faeeb244c35a348a334f4a59e44626ee870fb07b6884d68c10ae8bc19f83a694",
    note: "the same bytes as Debian's orig tarball; this sha256 is also the one other distributions pin for that URL",
  },
};

export const MUSL: SourcePin = {
  name: "musl",
  version: "1.2.3",
  topDirectory: "musl-1.2.3",
  debian: {
    kind: "source",
    package: "musl",
    file: "musl_1.2.3.orig.tar.gz",
    sha256: "7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4",
  },
  upstream: {
    url: "https://musl.libc.org/releases/musl-1.2.3.tar.gz",
    sha256: "7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4",
    note: "the same bytes as Debian's orig tarball (Debian ships upstream's signature with it)",
  },
};

export const SEABIOS: SourcePin = {
  name: "seabios",
  version: "1.16.2",
  debian: {
    kind: "binary",
    package: "seabios",
    version: "1.16.2-1",
    file: "seabios_1.16.2-1_all.deb",
    sha256: "08e5b3f761379f17a6051731cafa03e97686049e2cc1b8bdccc5a910646e2d8e",
    member: "./usr/share/seabios/bios.bin",
  },
  // Debian's build of SeaBIOS is what the page ships; an upstream source build would differ.
  upstream: null,
};

// TinyCC for the devel layer. Debian packages a snapshot of upstream's mob branch (tcc has made
// no release since 0.9.27, whose i386 code cannot link against a gcc-built musl); the orig
// tarball unpacks into the current directory, with no top directory.
export const TCC: SourcePin = {
  name: "tcc",
  version: "0.9.27+git20200814.62c30a4a",
  debian: {
    kind: "source",
    package: "tcc",
    file: "tcc_0.9.27+git20200814.62c30a4a.orig.tar.bz2",
    sha256: "d63c113bcdd657f51c8ee197a0b0a24203603313e19a52b5f678d40ab7f5df35",
  },
  // Upstream publishes this snapshot only as a git commit (62c30a4a); a tarball made from it
  // would not have these bytes, and none has been verified here.
  upstream: null,
};

export const ALL_SOURCES: readonly SourcePin[] = [LINUX, MUSL, BUSYBOX, SEABIOS, TCC];

/** The file name a source is cached under (the file the pinned sha256 is of). */
export function cachedFileName(pin: SourcePin): string {
  return pin.debian.file;
}
