// The share-link codec: a project <-> the fragment of a URL ("#share/1/<data>").
//
// Format version 1. The fragment is "share/" + version + "/" + base64url(payload), where payload is
//   bytes 0-3   length of the compressed body, big-endian
//   bytes 4-7   length of the JSON once inflated, big-endian
//   bytes 8-11  CRC-32 of that JSON
//   bytes 12-   raw DEFLATE (fflate, level 9) of the JSON {"f":[entry,...],"c":cmdline,"t":template}
//               where an entry is [path, mode, text] for a text file, [path, mode, null] for a
//               directory, and [path, mode, 0] for a file the receiver takes from the template.
// Format version 2 is version 1 plus the disks' trees: "d":[[name, [entry,...]], ...], entries
// as in "f" with paths on that disk. It is written only when a project has disks, so a link
// without disks stays version 1, byte for byte, and pages from before disks still read it; such
// a page names a version 2 link as one from a newer bootlab rather than dropping its disks.
// The version sits in plain text before the data so that a link from a newer bootlab is named as
// such even when its payload means nothing to us. The stored length tells a cut-off link
// (fewer bytes than announced) from a damaged one (checksum, inflate or JSON fails), which
// deserve different advice. Any change to this layout bumps SHARE_FORMAT_VERSION.
import { deflateSync, inflateSync } from "fflate";
import { crc32, crc32Hex } from "../crc32.ts";
import { decodeBase64url, encodeBase64url, firstInvalidBase64urlChar, hasCanonicalTail } from "./base64url.ts";
import {
  ShareBinaryFileError,
  ShareLinkCorruptError,
  ShareLinkNewerFormatError,
  ShareLinkTruncatedError,
} from "./errors.ts";
import { modeProblem, pathProblem, SHARE_BOUNDS, SHARED_DISK_NAME, treeProblem, type ShareInput, type ShareInputFile, type SharedDisk, type SharedFile, type SharedProject } from "./project.ts";
import { textOf } from "./text.ts";

/** The newest version this codec reads and writes (version 1 when a project has no disks). */
export const SHARE_FORMAT_VERSION = 2;
/** The version of a link without disks. */
const VERSION_WITHOUT_DISKS = 1;
/** The fragment of every share link starts with this (after the "#"). */
export const SHARE_FRAGMENT_PREFIX = "share/";

const HEADER_BYTES = 12;
/** Far above any real project; stops a crafted link from inflating into gigabytes. */
const MAX_INFLATED_BYTES = 16 * 1024 * 1024;

export interface EncodeShareOptions {
  /**
   * What to do with files whose bytes are not text: "reject" (default) throws
   * ShareBinaryFileError naming them; "omit" leaves them out and lists them in `omitted`.
   */
  binaryFiles?: "reject" | "omit";
}

export interface EncodedShare {
  /** The fragment without "#": "share/1/...". */
  fragment: string;
  /** Paths of binary files left out (only with binaryFiles: "omit"). */
  omitted: string[];
}

/** Whether a location hash (with or without its "#") is a share link this codec should read. */
export function isShareFragment(hash: string): boolean {
  return stripHash(hash).startsWith(SHARE_FRAGMENT_PREFIX);
}

export function encodeShareFragment(input: ShareInput, options: EncodeShareOptions = {}): EncodedShare {
  const binary: string[] = [];
  const files = sharedFiles(input.files, "", binary);
  const disks: SharedDisk[] = [];
  const names = new Set<string>();
  for (const disk of input.disks ?? []) {
    if (!SHARED_DISK_NAME.test(disk.name)) throw new RangeError(`cannot share the disk ${JSON.stringify(disk.name)}: a disk's name is 1 to 32 letters, digits, "_", "." or "-"`);
    if (names.has(disk.name)) throw new RangeError(`cannot share the disk ${JSON.stringify(disk.name)}: it is listed twice`);
    names.add(disk.name);
    disks.push({ name: disk.name, files: sharedFiles(disk.files, `${disk.name}:`, binary) });
  }
  if (binary.length > 0 && options.binaryFiles !== "omit") throw new ShareBinaryFileError(binary);

  const content: { f: ReturnType<typeof entryOf>[]; c: string; t: string; d?: [string, ReturnType<typeof entryOf>[]][] } = { f: files.map(entryOf), c: input.cmdline, t: input.template };
  if (disks.length) content.d = disks.map((disk) => [disk.name, disk.files.map(entryOf)]);
  const json = new TextEncoder().encode(JSON.stringify(content));
  const body = deflateSync(json, { level: 9 });
  const payload = new Uint8Array(HEADER_BYTES + body.length);
  const header = new DataView(payload.buffer);
  header.setUint32(0, body.length);
  header.setUint32(4, json.length);
  header.setUint32(8, crc32(json));
  payload.set(body, HEADER_BYTES);
  const version = disks.length ? SHARE_FORMAT_VERSION : VERSION_WITHOUT_DISKS;
  return {
    fragment: `${SHARE_FRAGMENT_PREFIX}${version}/${encodeBase64url(payload)}`,
    omitted: binary,
  };
}

/**
 * One tree's files as a link holds them (the initramfs's, or a disk's); binary files are pushed
 * to `binary` (named with `prefix`, "data1:") and left out. Throws RangeError for a bad path,
 * mode, a path listed twice or a file with paths below it.
 */
function sharedFiles(input: readonly ShareInputFile[], prefix: string, binary: string[]): SharedFile[] {
  const files: SharedFile[] = [];
  const seen = new Set<string>();
  for (const file of input) {
    const problem = pathProblem(file.path) ?? modeProblem(file.mode);
    if (problem) throw new RangeError(`cannot share ${JSON.stringify(prefix + file.path)}: ${problem}`);
    if (seen.has(file.path)) throw new RangeError(`cannot share ${JSON.stringify(prefix + file.path)}: it is listed twice`);
    seen.add(file.path);
    const kind = file.kind ?? "file";
    if (kind !== "file") {
      files.push({ kind, path: file.path, mode: file.mode });
      continue;
    }
    const text = file.text ?? (file.data ? textOf(file.data) : "");
    if (text === undefined) binary.push(prefix + file.path);
    else files.push({ kind, path: file.path, mode: file.mode, text });
  }
  const conflict = treeProblem(input);
  if (conflict) throw new RangeError(`cannot share this project${prefix ? ` (disk ${prefix.slice(0, -1)})` : ""}: ${conflict}`);
  return files;
}

/**
 * Reads a share link's fragment ("#share/1/..." or without "#"). Throws ShareLinkCorruptError,
 * ShareLinkTruncatedError or ShareLinkNewerFormatError, each with a message for the reader.
 */
export function decodeShareFragment(hash: string): SharedProject {
  const fragment = stripHash(hash);
  if (!fragment.startsWith(SHARE_FRAGMENT_PREFIX)) {
    throw new ShareLinkCorruptError(`it does not start with "#${SHARE_FRAGMENT_PREFIX}"`);
  }
  const rest = fragment.slice(SHARE_FRAGMENT_PREFIX.length);
  const slash = rest.indexOf("/");
  const versionText = slash < 0 ? rest : rest.slice(0, slash);
  if (versionText === "") throw new ShareLinkTruncatedError(0, HEADER_BYTES);
  if (!/^[1-9][0-9]{0,8}$/.test(versionText)) {
    throw new ShareLinkCorruptError(`its format version is ${JSON.stringify(versionText)}, not a number`);
  }
  const version = Number(versionText);
  if (version > SHARE_FORMAT_VERSION) throw new ShareLinkNewerFormatError(version, SHARE_FORMAT_VERSION);
  if (slash < 0) throw new ShareLinkTruncatedError(0, HEADER_BYTES);

  // Some mail clients and chat apps percent-encode or append characters; only the alphabet counts.
  const data = rest.slice(slash + 1);
  const bad = firstInvalidBase64urlChar(data);
  if (bad >= 0) {
    throw new ShareLinkCorruptError(`character ${bad + 1} of its data is ${JSON.stringify(data[bad])}, which no share link contains`);
  }
  const payload = decodeBase64url(data);
  if (payload.length < HEADER_BYTES) throw new ShareLinkTruncatedError(payload.length, HEADER_BYTES);
  const header = new DataView(payload.buffer, payload.byteOffset, HEADER_BYTES);
  const bodyLength = header.getUint32(0);
  const jsonLength = header.getUint32(4);
  const wantCrc = header.getUint32(8);
  const have = payload.length - HEADER_BYTES;
  if (have < bodyLength) throw new ShareLinkTruncatedError(payload.length, HEADER_BYTES + bodyLength);
  if (have > bodyLength) throw new ShareLinkCorruptError(`it has ${have - bodyLength} bytes more than its header announces`);
  if (!hasCanonicalTail(data)) throw new ShareLinkCorruptError("its last character is not one an encoder writes");
  if (jsonLength > MAX_INFLATED_BYTES) {
    throw new ShareLinkCorruptError(`its header announces ${jsonLength} bytes of content, more than any project has`);
  }

  let json: Uint8Array;
  try {
    json = inflateSync(payload.subarray(HEADER_BYTES), { out: new Uint8Array(jsonLength) });
  } catch (error) {
    throw new ShareLinkCorruptError(`its compressed data does not inflate: ${(error as Error).message}`);
  }
  const gotCrc = crc32(json);
  if (json.length !== jsonLength || gotCrc !== wantCrc) {
    throw new ShareLinkCorruptError(`checksum ${crc32Hex(gotCrc)} does not match the ${crc32Hex(wantCrc)} it was made with`);
  }
  return projectFromJson(json, version);
}

function projectFromJson(json: Uint8Array, version: number): SharedProject {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(json));
  } catch {
    throw new ShareLinkCorruptError("its content is not valid JSON");
  }
  if (typeof value !== "object" || value === null) throw new ShareLinkCorruptError("its content is not an object");
  const { f, c, t, d } = value as { f?: unknown; c?: unknown; t?: unknown; d?: unknown };
  if (!Array.isArray(f)) throw new ShareLinkCorruptError("it has no file list");
  if (typeof c !== "string" || c.length > SHARE_BOUNDS.maxCmdlineLength) {
    throw new ShareLinkCorruptError("its kernel command line is missing or too long");
  }
  if (typeof t !== "string" || t.length > SHARE_BOUNDS.maxTemplateLength) {
    throw new ShareLinkCorruptError("its template id is missing or too long");
  }
  // Version 1 links never had disks; only version 2 reads "d".
  const diskList = version >= 2 && d !== undefined ? d : [];
  if (!Array.isArray(diskList)) throw new ShareLinkCorruptError("its disk list is not a list");
  if (diskList.length > SHARE_BOUNDS.maxDisks) throw new ShareLinkCorruptError(`it lists ${diskList.length} disks (at most ${SHARE_BOUNDS.maxDisks})`);
  let total = f.length;
  const files = filesFromJson(f, "");
  const disks: SharedDisk[] = [];
  const names = new Set<string>();
  for (const [index, disk] of diskList.entries()) {
    if (!Array.isArray(disk) || disk.length !== 2 || typeof disk[0] !== "string" || !Array.isArray(disk[1])) throw new ShareLinkCorruptError(`disk ${index + 1} is not [name, [file, ...]]`);
    const [name, list] = disk as [string, unknown[]];
    if (!SHARED_DISK_NAME.test(name)) throw new ShareLinkCorruptError(`disk ${index + 1} has the name ${JSON.stringify(name.slice(0, 40))}, which no disk has`);
    if (names.has(name)) throw new ShareLinkCorruptError(`it lists the disk ${name} twice`);
    names.add(name);
    total += list.length;
    if (total > SHARE_BOUNDS.maxFiles) break;
    disks.push({ name, files: filesFromJson(list, `disk ${name}: `) });
  }
  if (total > SHARE_BOUNDS.maxFiles) throw new ShareLinkCorruptError(`it lists ${total} files (at most ${SHARE_BOUNDS.maxFiles})`);
  const project: SharedProject = { files, cmdline: c, template: t };
  if (version >= 2) project.disks = disks;
  return project;
}

/** One tree's entries; `where` ("disk data1: ") prefixes the messages. */
function filesFromJson(f: unknown[], where: string): SharedFile[] {
  if (f.length > SHARE_BOUNDS.maxFiles) throw new ShareLinkCorruptError(`${where}it lists ${f.length} files (at most ${SHARE_BOUNDS.maxFiles})`);
  const files: SharedFile[] = [];
  const seen = new Set<string>();
  for (const [index, entry] of f.entries()) {
    const shapeError = () => new ShareLinkCorruptError(`${where}file ${index + 1} is not [path, mode, text | null | 0]`);
    if (!Array.isArray(entry) || entry.length !== 3) throw shapeError();
    const [path, mode, content] = entry as unknown[];
    if (typeof path !== "string" || typeof mode !== "number") throw shapeError();
    const problem = pathProblem(path) ?? modeProblem(mode);
    if (problem) throw new ShareLinkCorruptError(`${where}file ${index + 1} has ${problem}`);
    if (seen.has(path)) throw new ShareLinkCorruptError(`${where}it lists ${JSON.stringify(path)} twice`);
    seen.add(path);
    if (typeof content === "string") files.push({ kind: "file", path, mode, text: content });
    else if (content === null) files.push({ kind: "directory", path, mode });
    else if (content === 0) files.push({ kind: "template-file", path, mode });
    else throw shapeError();
  }
  const conflict = treeProblem(files);
  if (conflict) throw new ShareLinkCorruptError(where + conflict);
  return files;
}

function entryOf(file: SharedFile): [string, number, string | null | 0] {
  switch (file.kind) {
    case "file":
      return [file.path, file.mode, file.text];
    case "directory":
      return [file.path, file.mode, null];
    case "template-file":
      return [file.path, file.mode, 0];
  }
}

function stripHash(hash: string): string {
  return hash.startsWith("#") ? hash.slice(1) : hash;
}
