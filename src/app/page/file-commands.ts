// The file commands of the page: new file and folder, rename, delete, the executable bit, and
// files added from disk. Each asks what it needs in a dialog, changes the project model, and says
// what went wrong in the status line; none runs in a read-only playground.
import { baseName, normalizeGuestPath } from "../../core/rootfs/guest-path.ts";
import { fileFromDisk, MAX_UPLOAD_BYTES } from "../project/from-disk.ts";
import type { ProjectModel } from "../project/model.ts";
import { askText, choose } from "../ui/dialogs.ts";
import { h, type Disposable } from "../ui/dom.ts";

/** What the commands need of the page. */
export interface FileCommandsHost {
  readonly model: ProjectModel;
  readonly readOnly: boolean;
  /** The path open in the editor. */
  readonly selectedPath: string | undefined;
  select(path: string | undefined, fromUser: boolean): void;
  /** The file to open when the open one goes: /init, /etc/inittab or the first. */
  preferredFile(): string | undefined;
  lintNow(): void;
  notify(message: string, kind?: "info" | "error"): void;
}

export class FileCommands implements Disposable {
  /** The file input behind "Add files from disk"; part of the page, hidden. */
  readonly uploadInput: HTMLInputElement;
  private uploadDirectory = "/";

  constructor(private readonly host: FileCommandsHost) {
    this.uploadInput = h("input", { type: "file", multiple: true, class: "visually-hidden", "data-testid": "upload-input", tabindex: "-1", "aria-label": "Add files from disk" });
    this.uploadInput.addEventListener("change", () => {
      const files = [...(this.uploadInput.files ?? [])];
      this.uploadInput.value = "";
      void this.addFilesFromDisk(files, this.uploadDirectory);
    });
  }

  private validateNewPath(text: string): string | undefined {
    try {
      const path = normalizeGuestPath(text.trim());
      if (this.host.model.has(path)) return `${path} already exists`;
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  async newFile(directory: string): Promise<void> {
    if (this.guardReadOnly()) return;
    const prefix = directory === "/" ? "/etc/" : `${directory}/`;
    const text = await askText("New file", "Path of the new file, e.g. /etc/motd", prefix, (t) => this.validateNewPath(t), "Create");
    if (text === undefined) return;
    const path = normalizeGuestPath(text.trim());
    const script = path.startsWith("/etc/init.d/") || path.endsWith(".sh") || path === "/init";
    this.runFileOperation(() => this.host.model.writeText(path, script ? "#!/bin/sh\n" : "", script ? 0o755 : 0o644));
    this.host.select(path, true);
  }

  async newFolder(directory: string): Promise<void> {
    if (this.guardReadOnly()) return;
    const prefix = directory === "/" ? "/" : `${directory}/`;
    const text = await askText("New folder", "Path of the new folder, e.g. /etc/init.d", prefix, (t) => this.validateNewPath(t), "Create");
    if (text === undefined) return;
    this.runFileOperation(() => this.host.model.addDirectory(text));
  }

  async renamePath(path: string): Promise<void> {
    if (this.guardReadOnly()) return;
    const text = await askText(`Rename ${baseName(path)}`, "New path (you can move it to another folder)", path, (t) => {
      try {
        const target = normalizeGuestPath(t.trim());
        return target !== path && this.host.model.has(target) ? `${target} already exists` : undefined;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    }, "Rename");
    if (text === undefined) return;
    const target = normalizeGuestPath(text.trim());
    this.runFileOperation(() => this.host.model.rename(path, target));
    if (this.host.selectedPath === path) this.host.select(target, false);
  }

  async deletePath(path: string): Promise<void> {
    if (this.guardReadOnly()) return;
    const isFolder = this.host.model.get(path)?.kind === "directory" || this.host.model.isImplicitDirectory(path);
    const choice = await choose(`Delete ${path}?`, isFolder ? "The folder and everything in it will be deleted." : "The file will be deleted from your project.", [
      { value: "delete", label: "Delete", kind: "danger" },
    ] as const);
    if (choice !== "delete") return;
    this.runFileOperation(() => this.host.model.remove(path));
    if (this.host.selectedPath && (this.host.selectedPath === path || this.host.selectedPath.startsWith(`${path}/`))) this.host.select(this.host.preferredFile(), false);
  }

  chooseUpload(directory: string): void {
    if (this.guardReadOnly()) return;
    this.uploadDirectory = directory;
    this.uploadInput.click();
  }

  /**
   * Files from disk into the project: one file asks where it goes (so a program can become
   * /init), several go into `directory`. Text stays editable; anything else is kept as bytes.
   */
  async addFilesFromDisk(files: File[], directory: string): Promise<void> {
    if (this.guardReadOnly() || files.length === 0) return;
    const folder = directory === "/" ? "" : directory;
    const added: string[] = [];
    for (const file of files) {
      if (file.size > MAX_UPLOAD_BYTES) {
        this.host.notify(`${file.name} is ${(file.size / 1048576).toFixed(0)} MiB; files of up to ${MAX_UPLOAD_BYTES / 1048576} MiB can be added.`, "error");
        continue;
      }
      let path = `${folder}/${file.name}`;
      if (files.length === 1) {
        const chosen = await askText(`Add ${file.name}`, "Path in the guest (a file there is replaced), e.g. /init for a program", path, (t) => {
          try {
            const target = normalizeGuestPath(t.trim());
            return this.host.model.get(target)?.kind === "directory" || this.host.model.isImplicitDirectory(target) ? `${target} is a folder` : undefined;
          } catch (error) {
            return error instanceof Error ? error.message : String(error);
          }
        }, "Add");
        if (chosen === undefined) return;
        path = chosen.trim();
      }
      const content = fileFromDisk(new Uint8Array(await file.arrayBuffer()));
      const target = normalizeGuestPath(path);
      this.runFileOperation(() => {
        if (content.data) this.host.model.writeBinary(target, content.data, content.mode);
        else this.host.model.writeText(target, content.text ?? "", content.mode);
        added.push(`${target} (${content.what})`);
      });
    }
    if (added.length === 0) return;
    this.host.select(normalizeGuestPath(added[0]!.split(" ")[0]!), false);
    this.host.lintNow();
    this.host.notify(`Added ${added.join(", ")}. Boot to try it.`);
  }

  toggleExecutable(path: string): void {
    if (this.guardReadOnly()) return;
    const file = this.host.model.get(path);
    if (!file || file.kind !== "file") return;
    this.runFileOperation(() => this.host.model.setExecutable(path, (file.mode & 0o111) === 0));
    if (this.host.selectedPath === path) this.host.select(path, false);
  }

  private runFileOperation(operation: () => unknown): void {
    try {
      operation();
    } catch (error) {
      this.host.notify(error instanceof Error ? error.message : String(error), "error");
    }
  }

  guardReadOnly(): boolean {
    if (this.host.readOnly) this.host.notify("This playground is read-only.", "error");
    return this.host.readOnly;
  }

  dispose(): void {
    this.uploadInput.remove();
  }
}
