// `--rootfs DIR`: the directory's files become a second initramfs archive, unpacked by the
// kernel over the base archive, so a user directory only needs the files it changes.
import { packCpioGz } from "../../core/cpio/index.ts";
import { readHostTree } from "../host-tree.ts";

export async function packDirectoryOverlay(dir: string): Promise<Uint8Array> {
  const entries = await readHostTree(dir);
  return packCpioGz(entries);
}
