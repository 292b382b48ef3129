// A file the user added from disk, as a project file: text when it is text (editable), bytes
// otherwise (an ELF program as /init, an image), executable when it is a program.
import { textOf } from "../../core/share/index.ts";

/** Larger files are refused: an initramfs lives in the guest's RAM (128 MiB). */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

export interface FileFromDisk {
  text?: string;
  data?: Uint8Array;
  mode: number;
  /** What it is in a few words, for the notice: "an ELF program", "a script", "text", "binary data". */
  what: string;
}

export function fileFromDisk(bytes: Uint8Array): FileFromDisk {
  const elf = bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
  const text = elf ? undefined : textOf(bytes);
  if (text === undefined) return { data: bytes, mode: elf ? 0o755 : 0o644, what: elf ? "an ELF program" : "binary data" };
  const script = text.startsWith("#!");
  return { text, mode: script ? 0o755 : 0o644, what: script ? "a script" : "text" };
}
