// What the status line says while the worker fetches the first boot's artifacts: the bytes of the
// emulator's wasm, the kernel and the base archive as they arrive (on a slow connection these
// take seconds; without this the page said "Packing the initramfs…" with nothing moving).
import type { FetchProgress } from "../../../workers/emulator.api.ts";

/** The downloads a reader cares about, by what they are; configs, the manifest and the BIOS are small. */
export function downloadLabel(name: string): string | undefined {
  if (name === "v86.wasm") return "emulator";
  if (/(^|\/)bzImage$/.test(name)) return "kernel";
  if (/(^|\/)base[^/]*\.cpio(\.gz)?$/.test(name)) return "base";
  return undefined;
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(bytes >= 10e6 ? 0 : 1);
}

export interface DownloadSummary {
  /** "Fetching emulator 1.2 of 2.1 MB · kernel 0.4 of 1.0 MB · base ✓ 0.9 MB" */
  message: string;
  loaded: number;
  /** The sum of the known sizes; undefined while one is unknown. */
  total: number | undefined;
  done: boolean;
}

/** The status words for the labelled downloads, or undefined when there are none. */
export function summarizeDownloads(downloads: readonly FetchProgress[]): DownloadSummary | undefined {
  const shown = downloads.map((d) => ({ ...d, label: downloadLabel(d.name) })).filter((d): d is FetchProgress & { label: string } => d.label !== undefined);
  if (shown.length === 0) return undefined;
  const parts = shown.map((d) => (d.done ? `${d.label} ✓ ${megabytes(d.loaded)} MB` : d.total !== undefined ? `${d.label} ${megabytes(d.loaded)} of ${megabytes(d.total)} MB` : `${d.label} ${megabytes(d.loaded)} MB`));
  const done = shown.every((d) => d.done);
  const loaded = shown.reduce((sum, d) => sum + d.loaded, 0);
  const total = shown.every((d) => d.total !== undefined || d.done) ? shown.reduce((sum, d) => sum + (d.total ?? d.loaded), 0) : undefined;
  return { message: `${done ? "Fetched" : "Fetching"} ${parts.join(" · ")}`, loaded, total, done };
}
