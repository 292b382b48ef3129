// The files a user lays over a base system (the one OverlayFile of the page, templates, the
// CLI's directories and bundles) and the one normaliser of their guest paths. What the kernel
// makes of an archive is src/core/cpio's unpackLikeKernel.
export { overlayBytes, overlayEntries, overlayFromEntries, type OverlayFile, type OverlayKind } from "./overlay.ts";
export { ancestorsOf, baseName, isInside, normalizeGuestPath, parentOf, PathError } from "./guest-path.ts";
