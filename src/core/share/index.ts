// The share-URL codec: a project (overlay files, disk trees, command line, template) <-> "#share/1/..." ("#share/2/..." with disks).
export {
  SHARE_FORMAT_VERSION,
  SHARE_FRAGMENT_PREFIX,
  decodeShareFragment,
  encodeShareFragment,
  isShareFragment,
  type EncodeShareOptions,
  type EncodedShare,
} from "./codec.ts";
export { MAX_SHARE_URL_LENGTH, buildShareUrl, checkShareUrlLength, type ShareUrl } from "./limits.ts";
export {
  ShareBinaryFileError,
  ShareLinkCorruptError,
  ShareLinkError,
  ShareLinkNewerFormatError,
  ShareLinkTooLongError,
  ShareLinkTruncatedError,
  type ShareLinkErrorCode,
} from "./errors.ts";
export { SHARE_BOUNDS, SHARED_DISK_NAME, type ShareInput, type ShareInputFile, type SharedDisk, type SharedFile, type SharedProject } from "./project.ts";
export { textOf } from "./text.ts";
