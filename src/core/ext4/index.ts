// The ext2/ext4 library: file-system images written from a tree of entries (the cpio kinds),
// reproducibly, and read back defensively. Plain data in, bytes out, and the reverse.
export { Ext4EntryError, Ext4Error, Ext4FormatError, Ext4SpaceError } from "./errors.ts";
export { EXT4_MAGIC, MAGIC_OFFSET } from "./format.ts";
export { defaultImageSize, writeExt4, type Ext4Flavour, type Ext4WriteOptions } from "./writer.ts";
export { planGeometry, type Geometry } from "./geometry.ts";
export { isExt4Image, readExt4, readExt4Info, type Ext4Info, type Ext4ReadOptions } from "./reader.ts";
export { gunzipHead, gzipImage, unwrapExt4Image } from "./gzip.ts";
