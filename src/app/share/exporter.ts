// Export: the project as a bundle zip (kernel, initramfs, run-qemu.sh, sources, README) that
// `bootlab boot --bundle` boots, or as the initramfs alone.
//
// Building a bundle deflates the whole initrd the plan boots (the base archive, then the user's
// files) at gzip level 9 (bundleFromPlan): most of a second of CPU. It runs in a second
// emulator worker, started on the first export, so that neither the page nor a running guest
// stalls meanwhile.
import type { ExportRequest } from "../../../workers/emulator.api.ts";
import type { GuestArch } from "../../core/boot/index.ts";
import { defaultTemplate, findTemplate, templateSystem } from "../../core/templates/index.ts";
import { EmulatorBridge } from "../emulator/bridge.ts";
import type { Playground } from "../playground.ts";

export interface ExportedFile {
  blob: Blob;
  /** A file name for the download: "busybox-init-lesson.zip". */
  name: string;
}

export class Exporter {
  private bridge: EmulatorBridge | undefined;

  constructor(private readonly playground: Pick<Playground, "model" | "prebuiltUrl" | "artifact">) {}

  /** `arch`: the system's architecture (BootSystem.arch), e.g. x86_64 for a 64-bit system that runs in QEMU only. */
  async bundle(options: { arch?: GuestArch } = {}): Promise<ExportedFile> {
    const name = `${fileStem(this.playground.model.name)}${options.arch ? `-${options.arch}` : ""}.zip`;
    const request = await this.request(name);
    if (options.arch) request.system = { ...request.system, arch: options.arch };
    const bytes = await this.worker().exportBundle(request);
    return { blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/zip" }), name };
  }

  async initramfs(): Promise<ExportedFile> {
    const bytes = await this.worker().exportInitramfs(await this.request());
    return { blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/gzip" }), name: `${fileStem(this.playground.model.name)}-initramfs.cpio.gz` };
  }

  dispose(): void {
    this.bridge?.dispose();
    this.bridge = undefined;
  }

  private async request(zipName?: string): Promise<ExportRequest> {
    const model = this.playground.model;
    const template = findTemplate(model.templateId) ?? defaultTemplate();
    // The project's disks as edited, so the bundle's disks/sda.img, ... are what the page boots.
    const request: ExportRequest = { system: templateSystem(template, { files: model.files(), cmdline: model.cmdline, disks: model.disks() }), template: model.templateId };
    if (zipName) request.zipName = zipName;
    return request;
  }

  private worker(): EmulatorBridge {
    this.bridge ??= new EmulatorBridge({ prebuilt: this.playground.prebuiltUrl });
    return this.bridge;
  }
}

/** Saves a blob as a download with the browser's own download UI. */
export function download(file: ExportedFile): void {
  const url = URL.createObjectURL(file.blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = file.name;
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once started; the URL can go after this task.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A project name as a file name: letters, digits, "-" and "_"; never empty. */
export function fileStem(name: string): string {
  const stem = name
    .normalize("NFKD")
    .replace(/[^\w.-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, 60)
    .toLowerCase();
  return stem || "bootlab-project";
}
