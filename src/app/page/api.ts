// The playground's implementation of window.bootlab's calls (docs/page-api.md), over the open
// project and the boot controller. Unchecked: automation/methods.ts's makeApi checks the
// arguments, refuses writes when read-only and gives every failure its code.
import type { BaseEntry } from "../../../workers/emulator.api.ts";
import type { KernelView } from "../../core/boot/index.ts";
import { normalizeGuestPath } from "../../core/rootfs/guest-path.ts";
import { defaultTemplate, findTemplate } from "../../core/templates/index.ts";
import { BootlabApiError, type ListedFile } from "../automation/bootlab-api.ts";
import type { ApiImplementation } from "../automation/methods.ts";
import type { BootController } from "../emulator/boot-controller.ts";
import { fileKey } from "../project/file-key.ts";
import type { OverlayFile, ProjectModel } from "../project/model.ts";
import type { DiskChanges } from "./disk-changes.ts";

export interface PlaygroundCallsHost {
  readonly model: ProjectModel;
  readonly boot: BootController;
  /** The base archive's entries if known yet; loadBase() fetches them. */
  base(): BaseEntry[] | undefined;
  loadBase(): Promise<BaseEntry[]>;
  selectedPath(): string | undefined;
  select(path: string | undefined, fromUser: boolean): void;
  preferredFile(): string | undefined;
  lintNow(): void;
  reboot(options: { cold?: boolean }): Promise<void>;
  readonly diskChanges: DiskChanges;
  /** The kernel the open project boots and its configuration (the worker's describeKernel). */
  describeKernel(): Promise<KernelView>;
}

/** The key of `path` on the disk the options name (or the initramfs); a disk the project lacks is `not-found`. */
function keyOn(host: PlaygroundCallsHost, path: string, options: { disk?: string } | undefined): string {
  const normalized = normalizeGuestPath(path.trim());
  const disk = options?.disk;
  if (disk === undefined) return normalized;
  if (!host.model.diskFiles(disk)) {
    const names = host.model.disks().map((d) => d.name);
    throw new BootlabApiError("not-found", `this project has no disk named "${disk}"${names.length ? `; its disks are ${names.join(", ")}` : ""}`);
  }
  return fileKey({ disk, path: normalized });
}

/** A file of the project (of the initramfs, or of the disk named) as listFiles() lists it. */
function listedProjectFile(f: OverlayFile, disk?: string): ListedFile {
  const listed: ListedFile = { path: f.path, kind: f.kind, mode: f.mode, size: f.data?.length ?? new TextEncoder().encode(f.text ?? "").length, readOnly: false, binary: f.data !== undefined };
  if (disk !== undefined) listed.disk = disk;
  return listed;
}

/** The calls behind window.bootlab and the embed protocol; automation/methods.ts checks their arguments first. */
export function playgroundCalls(host: PlaygroundCallsHost): Omit<ApiImplementation, "shareLink" | "exportBundle"> {
  return {
    listFiles: async () => {
      const overlay = host.model.files().map((f) => listedProjectFile(f));
      const overlayPaths = new Set(overlay.map((f) => f.path));
      const base = await host.loadBase().catch(() => [] as BaseEntry[]);
      const template = findTemplate(host.model.templateId) ?? defaultTemplate();
      const baseListed = template.base === "none" ? [] : base.filter((e) => !overlayPaths.has(e.path)).map((e): ListedFile => ({ path: e.path, kind: e.kind, mode: e.mode, size: e.size, readOnly: true, binary: e.kind === "file" }));
      // Each disk's files after the initramfs's, in the project's order of disks.
      const onDisks = host.model.disks().flatMap((disk) => disk.files.map((f) => listedProjectFile(f, disk.name)));
      return [...[...overlay, ...baseListed].sort((a, b) => a.path.localeCompare(b.path)), ...onDisks];
    },
    readFile: (path, options) => {
      const normalized = keyOn(host, path, options);
      const file = host.model.get(normalized);
      if (!file) {
        const inBase = options?.disk === undefined && host.base()?.some((e) => e.path === normalized);
        throw new BootlabApiError("not-found", inBase ? `${normalized} is a read-only file of the base archive, not one of your files` : `${normalized} does not exist in your files`);
      }
      if (file.kind !== "file") throw new BootlabApiError("not-a-file", `${normalized} is a folder`);
      if (file.text === undefined) throw new BootlabApiError("binary", `${normalized} is a binary file`);
      return file.text;
    },
    writeFile: (path, text, options) => {
      const normalized = keyOn(host, path, options);
      host.model.writeText(normalized, text, options?.mode);
      if (host.selectedPath() === normalized || !host.selectedPath()) host.select(normalized, false);
      host.lintNow();
    },
    removeFile: (path, options) => {
      const key = keyOn(host, path, options);
      host.model.remove(key);
      if (host.selectedPath() === key) host.select(host.preferredFile(), false);
    },
    setCmdline: (cmdline) => host.model.setCmdline(cmdline),
    reboot: (options) => host.reboot(options ?? {}),
    send: (text) => host.boot.send(text),
    output: () => host.boot.output(),
    waitFor: (pattern, ms) => host.boot.waitFor(pattern, ms),
    metrics: () => host.boot.metrics(),
    diskChanges: (name) => host.diskChanges.report(name),
    keepDiskChanges: async (name) => {
      const kept = await host.diskChanges.keep(name);
      host.lintNow();
      return kept;
    },
    kernel: () => host.describeKernel(),
  };
}
