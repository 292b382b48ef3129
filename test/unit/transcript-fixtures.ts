// Recorded boots of each template, for the timeline and annotation tests. Recorded with
//   printf 'poweroff -f\n' | npx bootlab boot --template ID --emulator EMU --append printk.time=1
// (static-hello has no shell: it ran until --timeout 12). tiny-system on QEMU was stopped by the
// session's respawn-loop detector: BusyBox init's default inittab wants /dev/tty2..4.
import { readFileSync } from "node:fs";
import { BootTranscript } from "../../src/core/boot/index.ts";

export const TEMPLATE_IDS = ["busybox-init", "minimal-init", "static-hello", "tiny-system"] as const;
export const EMULATORS = ["qemu", "v86"] as const;

export function transcriptText(name: string): string {
  return readFileSync(new URL(`./fixtures/transcripts/${name}.txt`, import.meta.url), "utf8");
}

/**
 * The recorded boot fed back as it arrived: byte by byte, so that a prompt is seen while it is
 * the partial line, with the host clock moving 1 ms a line (the recording kept no host times).
 */
export function replayTranscript(name: string): BootTranscript {
  const t = new BootTranscript();
  let hostMs = 0;
  for (const ch of transcriptText(name)) {
    t.push(ch, hostMs);
    if (ch === "\n") hostMs += 1;
  }
  return t;
}
