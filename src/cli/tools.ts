// The host tools bootlab runs, and the Debian package that provides each. Every child process
// goes through exec.ts, which looks the tool up here to say how to get it when it is missing.
// Keep .ci/apt-packages.txt in step with this list.

export const TOOL_PACKAGES: Readonly<Record<string, string>> = {
  "qemu-system-i386": "qemu-system-x86",
  "qemu-system-x86_64": "qemu-system-x86",
  cpio: "cpio",
  mknod: "coreutils",
  mkfifo: "coreutils",
  setpriv: "util-linux",
  chromium: "chromium",
  make: "make",
  gcc: "gcc",
  cc: "gcc",
  ld: "binutils",
  ar: "binutils",
  flex: "flex",
  bison: "bison",
  bc: "bc",
  perl: "perl",
  tar: "tar",
  xz: "xz-utils",
  bzip2: "bzip2",
  lz4: "lz4",
  gzip: "gzip",
  "mke2fs": "e2fsprogs",
  // The ext4 differential tests check our images with these.
  e2fsck: "e2fsprogs",
  debugfs: "e2fsprogs",
  "apt-get": "apt",
  "dpkg-source": "dpkg-dev",
  // util-linux's `script`: the runner tests give `bootlab boot` a pseudo-terminal with it.
  script: "bsdutils",
  "dpkg-deb": "dpkg",
  ranlib: "binutils",
  cp: "coreutils",
  find: "findutils",
  sh: "dash",
  // GNU time: test/bench/unpack-memory.bench.ts reads peak memory with `time -v`.
  time: "time",
};

/** The Debian package that provides `tool`, or undefined when bootlab does not know it. */
export function debianPackageFor(tool: string): string | undefined {
  return TOOL_PACKAGES[tool];
}
