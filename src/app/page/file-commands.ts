// The file commands of the page: new file and folder, rename, delete, the executable bit, and
// files added from disk. Each asks what it needs in a dialog, changes the project model, and says
// what went wrong in the status line; none runs in a read-only playground. Files are named by
// their keys (project/file-key.ts): a command on a disk's file asks for a path on that disk.
import { baseName, normalizeGuestPath } from "../../core/rootfs/guest-path.ts";
import { fileKey, locateKey, type FileLocation } from "../project/file-key.ts";
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

  /** The key of what the user typed, a path on the disk `disk` (or the initramfs); throws when it is no path. */
  private keyOf(text: string, disk: string | undefined): string {
    const path = normalizeGuestPath(text.trim());
    return fileKey(disk === undefined ? { path } : { disk, path });
  }

  private validateNewPath(text: string, disk: string | undefined): string | undefined {
    try {
      const key = this.keyOf(text, disk);
      if (this.host.model.has(key)) return `${key} already exists`;
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  async newFile(directory: string): Promise<void> {
    if (this.guardReadOnly()) return;
    const { disk, path: folder } = locateKey(directory);
    const prefix = folder === "/" ? (disk === undefined ? "/etc/" : "/") : `${folder}/`;
    const text = await askText(`New file${onDisk(disk)}`, `Path of the new file${onDisk(disk)}, e.g. ${disk === undefined ? "/etc/motd" : "/notes.txt"}`, prefix, (t) => this.validateNewPath(t, disk), "Create");
    if (text === undefined) return;
    const path = normalizeGuestPath(text.trim());
    const script = path.startsWith("/etc/init.d/") || path.endsWith(".sh") || (disk === undefined && path === "/init");
    const key = this.keyOf(path, disk);
    this.runFileOperation(() => this.host.model.writeText(key, script ? "#!/bin/sh\n" : "", script ? 0o755 : 0o644));
    this.host.select(key, true);
  }

  async newFolder(directory: string): Promise<void> {
    if (this.guardReadOnly()) return;
    const { disk, path: folder } = locateKey(directory);
    const prefix = folder === "/" ? "/" : `${folder}/`;
    const text = await askText(`New folder${onDisk(disk)}`, `Path of the new folder${onDisk(disk)}, e.g. /etc/init.d`, prefix, (t) => this.validateNewPath(t, disk), "Create");
    if (text === undefined) return;
    this.runFileOperation(() => this.host.model.addDirectory(this.keyOf(text, disk)));
  }

  async renamePath(key: string): Promise<void> {
    if (this.guardReadOnly()) return;
    const { disk, path } = locateKey(key);
    const text = await askText(`Rename ${baseName(path)}`, `New path${onDisk(disk)} (you can move it to another folder)`, path, (t) => {
      try {
        const target = this.keyOf(t, disk);
        return target !== key && this.host.model.has(target) ? `${target} already exists` : undefined;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    }, "Rename");
    if (text === undefined) return;
    const target = this.keyOf(text, disk);
    this.runFileOperation(() => this.host.model.rename(key, target));
    if (this.host.selectedPath === key) this.host.select(target, false);
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
    const { disk, path: directoryPath } = locateKey(directory);
    const folder = directoryPath === "/" ? "" : directoryPath;
    const added: string[] = [];
    for (const file of files) {
      if (file.size > MAX_UPLOAD_BYTES) {
        this.host.notify(`${file.name} is ${(file.size / 1048576).toFixed(0)} MiB; files of up to ${MAX_UPLOAD_BYTES / 1048576} MiB can be added.`, "error");
        continue;
      }
      let path = `${folder}/${file.name}`;
      if (files.length === 1) {
        const chosen = await askText(`Add ${file.name}${onDisk(disk)}`, `Path${onDisk(disk) || " in the guest"} (a file there is replaced), e.g. /init for a program`, path, (t) => {
          try {
            const target = this.keyOf(t, disk);
            return this.host.model.get(target)?.kind === "directory" || this.host.model.isImplicitDirectory(target) ? `${target} is a folder` : undefined;
          } catch (error) {
            return error instanceof Error ? error.message : String(error);
          }
        }, "Add");
        if (chosen === undefined) return;
        path = chosen.trim();
      }
      const content = fileFromDisk(new Uint8Array(await file.arrayBuffer()));
      const target = this.keyOf(path, disk);
      this.runFileOperation(() => {
        if (content.data) this.host.model.writeBinary(target, content.data, content.mode);
        else this.host.model.writeText(target, content.text ?? "", content.mode);
        added.push(`${target} (${content.what})`);
      });
    }
    if (added.length === 0) return;
    this.host.select(added[0]!.split(" ")[0]!, false);
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

/** " on data1" for a disk's file, "" for the initramfs's: the dialogs say which tree they change. */
function onDisk(disk: FileLocation["disk"]): string {
  return disk === undefined ? "" : ` on ${disk}`;
}
