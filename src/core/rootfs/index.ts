// The file-tree model of a root filesystem, on top of the cpio entries.
export { RootFs, RootfsError, type RootfsErrorCode } from "./rootfs.ts";
