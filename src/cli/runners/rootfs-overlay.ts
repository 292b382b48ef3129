// `--rootfs DIR`: the directory's files become a second initramfs archive, unpacked by the
// kernel over the base archive, so a user directory only needs the files it changes.
import { packCpioGz } from "../../core/cpio/index.ts";
import { readHostTree } from "../host-tree.ts";

/**
 * Packs `dir` as an overlay archive. The files are read bounded (regular files only, at most
 * `maxBytes` in all, default 1 GiB); unreadable entries are named in one CliError (exit 2).
 * `raiseWith` names the option that raises the limit, when the command has one.
 */
export async function packDirectoryOverlay(dir: string, options: { maxBytes?: number; raiseWith?: string } = {}): Promise<Uint8Array> {
  const entries = readHostTree(dir, options);
  return packCpioGz(entries);
}
