// After a boot, what the guest wrote to a disk: read back by the worker (the image v86 wrote
// into against the image written at boot), listed in a dialog (added, changed, removed), and
// kept in the project's tree of that disk on "Keep" (project/keep-disk-changes.ts). The same
// two steps are window.bootlab's diskChanges(name) and keepDiskChanges(name).
import type { DiskReadBack } from "../../../workers/emulator.api.ts";
import { overlayBytes } from "../../core/rootfs/overlay.ts";
import { textOf } from "../../core/share/index.ts";
import { BootlabApiError, type DiskChangesReport, type ListedDiskChange } from "../automation/bootlab-api.ts";
import { keepDiskChanges, reviewDiskChanges, unkeptChanges, type KeptChanges, type ReviewedChange } from "../project/keep-disk-changes.ts";
import type { ProjectModel } from "../project/model.ts";
import { h } from "../ui/dom.ts";

export interface DiskChangesHost {
  readonly model: ProjectModel;
  readonly readOnly: boolean;
  /** The worker's read-back of a disk of the last boot (EmulatorBridge.diskChanges). */
  readDisk(name: string): Promise<DiskReadBack>;
  notify(message: string, kind?: "info" | "error"): void;
}

export class DiskChanges {
  constructor(private readonly host: DiskChangesHost) {}

  /** The changes the last boot's guest made to the disk `name`, each saying whether Keep can lay it into the project. */
  async report(name: string): Promise<DiskChangesReport> {
    const { readBack, reviewed } = await this.read(name);
    return {
      disk: readBack.name,
      device: readBack.device,
      bootId: readBack.bootId,
      running: readBack.running,
      changes: reviewed.map(listed),
    };
  }

  /** Reads the disk again and keeps its changes in the project. */
  async keep(name: string): Promise<KeptChanges> {
    const { readBack } = await this.read(name);
    return keepDiskChanges(this.host.model, name, readBack.changes);
  }

  /**
   * Before a boot replaces the last one's disks: what its guest wrote that the project does not
   * hold, in a sentence (undefined when nothing), so the page can say it was not kept.
   */
  async unkeptSummary(): Promise<string | undefined> {
    const lost: string[] = [];
    for (const disk of this.host.model.disks()) {
      if (disk.role === "ramdisk") continue;
      const readBack = await this.host.readDisk(disk.name).catch(() => undefined);
      const unkept = readBack ? unkeptChanges(readBack.changes, disk.files) : [];
      if (unkept.length) lost.push(`${disk.name} (${unkept.length} change${unkept.length === 1 ? "" : "s"}: ${unkept.slice(0, 3).map((c) => `${c.change} ${c.file.path}`).join(", ")}${unkept.length > 3 ? ", ..." : ""})`);
    }
    return lost.length ? `The last boot's guest wrote to ${lost.join(" and ")}, which the project did not keep; this boot wrote the disks from the project's files.` : undefined;
  }

  /** The dialog of the file tree's "Guest's changes" button. */
  async show(name: string): Promise<void> {
    let read: { readBack: DiskReadBack; reviewed: ReviewedChange[] };
    try {
      read = await this.read(name);
    } catch (error) {
      this.host.notify(error instanceof Error ? error.message : String(error), "error");
      return;
    }
    const { readBack, reviewed } = read;
    const keepable = reviewed.filter((c) => c.keepable).length;
    const title = `${readBack.name} — ${readBack.device}, as the guest left it`;
    const rows = reviewed.map((change) =>
      h(
        "li",
        { class: `disk-change ${change.change}`, "data-path": change.file.path, title: change.reason ?? change.what?.join(", ") ?? "" },
        h("span", { class: "badge" }, change.change),
        h("span", { class: "name" }, ` ${change.file.path}${change.file.kind === "directory" ? "/" : ""}`),
        change.what ? h("span", { class: "base-note" }, ` (${change.what.join(", ")})`) : null,
        change.keepable ? null : h("p", { class: "base-note" }, `Not kept: ${change.reason ?? ""}`),
      ),
    );
    const intro = reviewed.length
      ? `The guest changed ${reviewed.length} entr${reviewed.length === 1 ? "y" : "ies"} on ${readBack.name} since boot ${readBack.bootId} wrote it.${readBack.running ? " The guest still runs: what it did not sync is not on the disk yet (run sync first)." : ""} Keep lays them into the project's tree of ${readBack.name}, so every boot writes them again; the next boot otherwise starts from the project's files.`
      : `The guest left ${readBack.name} as boot ${readBack.bootId} wrote it.${readBack.running ? " It still runs: what it did not sync is not on the disk yet (run sync first)." : ""}`;
    const choice = await new Promise<"keep" | undefined>((resolve) => {
      const dialog = h("dialog", { class: "modal disk-changes", "aria-label": title, "data-testid": "disk-changes-dialog" });
      const finish = (value: "keep" | undefined) => {
        dialog.close();
        dialog.remove();
        resolve(value);
      };
      const keep = h("button", { class: "button primary", type: "button", "data-choice": "keep", onclick: () => finish("keep") }, `Keep ${keepable} in the project`);
      keep.toggleAttribute("disabled", keepable === 0 || this.host.readOnly);
      const close = h("button", { class: "button", type: "button", "data-choice": "cancel", onclick: () => finish(undefined) }, "Close");
      dialog.append(h("h2", {}, title), h("p", {}, intro), h("ul", { class: "disk-change-list" }, ...rows), h("div", { class: "choices" }, close, keep));
      dialog.addEventListener("cancel", () => finish(undefined));
      document.body.append(dialog);
      dialog.showModal();
      (keepable ? keep : close).focus();
    });
    if (choice !== "keep") return;
    const kept = keepDiskChanges(this.host.model, name, readBack.changes);
    this.host.notify(
      `Kept ${kept.kept.length} change${kept.kept.length === 1 ? "" : "s"} on ${name} in the project${kept.notKept.length ? `; ${kept.notKept.length} could not be kept (${kept.notKept.map((c) => c.path).join(", ")})` : ""}.`,
    );
  }

  private async read(name: string): Promise<{ readBack: DiskReadBack; reviewed: ReviewedChange[] }> {
    const files = this.host.model.diskFiles(name);
    if (!files) throw new BootlabApiError("not-found", `this project has no disk named "${name}"${this.host.model.disks().length ? `; its disks are ${this.host.model.disks().map((d) => d.name).join(", ")}` : ""}`);
    const readBack = await this.host.readDisk(name);
    return { readBack, reviewed: reviewDiskChanges(readBack.changes, files) };
  }
}

/** A change as window.bootlab lists it: plain data, text when the file is text. */
function listed(change: ReviewedChange): ListedDiskChange {
  const { file } = change;
  const out: ListedDiskChange = { change: change.change, path: file.path, kind: file.kind, mode: file.mode, size: file.kind === "file" ? overlayBytes(file).length : 0, keepable: change.keepable };
  if (change.what) out.what = change.what;
  if (change.reason) out.reason = change.reason;
  if (file.kind === "file" && change.change !== "removed") {
    const text = textOf(overlayBytes(file));
    if (text !== undefined) out.text = text;
  }
  if (file.target !== undefined) out.target = file.target;
  return out;
}
