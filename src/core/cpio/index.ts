// The cpio library: the kernel's initramfs format (newc), written reproducibly and read back
// defensively. Plain data in, bytes out, and the reverse; no DOM, no node:*.
export type {
  CpioEntry,
  DeviceEntry,
  DirectoryEntry,
  EntryKind,
  EntryWith,
  EntryOwnership,
  FifoEntry,
  FileEntry,
  HardlinkEntry,
  SocketEntry,
  SymlinkEntry,
} from "./entry.ts";
export { CpioEntryError, CpioError, CpioFormatError, CpioListError, CpioPathError } from "./errors.ts";
export { ancestorPaths, comparePaths, normalizeEntryPath, parentPath } from "./path.ts";
export {
  blockDeviceEntry,
  charDeviceEntry,
  directoryEntry,
  fifoEntry,
  fileEntry,
  hardlinkEntry,
  socketEntry,
  symlinkEntry,
  type EntryOptions,
} from "./constructors.ts";
export { concatArchives, packCpio, packCpioGz, type PackGzOptions, type PackOptions } from "./writer.ts";
export { CpioStreamReader, readCpio, type CpioHeader, type CpioRecordSink, type ReadOptions } from "./reader.ts";
// Concatenated gzip members, one at a time: the runners inflate gzip initrds on the host.
export { gunzipMember, GzipMemberStream, isGzipMagic, type GzipMember } from "./gzip-member.ts";
export { flattenEntries } from "./flatten.ts";
export { parseInitramfsList, type InitramfsListOptions } from "./initramfs-list.ts";
export { escapeName, formatEntryListing, formatKernelListing, modeString, type ListingOptions } from "./listing.ts";
export { readCpioRecords, recordPlace, type CpioRecord } from "./reader.ts";
export {
  formatKernelNote,
  KernelUnpacker,
  KernelUnpackSink,
  kernelTreeEntries,
  unpackLikeKernel,
  type KernelContents,
  type KernelContentStore,
  type KernelNode,
  type KernelNote,
  type KernelRecord,
  type KernelTree,
  type KernelUnpackOptions,
} from "./kernel-unpack.ts";
