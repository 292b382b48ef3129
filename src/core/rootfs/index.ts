// The file-tree model of a root filesystem, on top of the cpio entries, and the overlay files a
// user lays over a base system.
export { RootFs, RootfsError, type RootfsErrorCode } from "./rootfs.ts";
export { overlayBytes, overlayEntries, overlayFromEntries, type OverlayFile, type OverlayKind } from "./overlay.ts";
export { ancestorsOf, baseName, isInside, normalizeGuestPath, parentOf, PathError } from "./guest-path.ts";
