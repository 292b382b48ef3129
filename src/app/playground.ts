// The running playground as extension modules see it, and how they plug in.
//
// An extension is a module at src/app/share/extension.ts or src/app/embed/extension.ts (found
// with import.meta.glob, so the page builds with or without them). It may export:
//
//   options(url: URL): Partial<PlaygroundOptions> | undefined | Promise<...>
//       called before startup (before storage opens): pick a storage namespace, the chrome,
//       read-only mode, autoboot, a theme, or a project to open (from a share link, say).
//   install(playground: Playground): void | Promise<void>
//       called once the page runs: add toolbar buttons, register shareLink/exportBundle,
//       listen for postMessage, ...
import type { BaseEntry } from "../../workers/emulator.api.ts";
import type { ApiExtension, BootlabApi } from "./automation/bootlab-api.ts";
import type { BootController } from "./emulator/boot-controller.ts";
import type { ProjectModel, ProjectState } from "./project/model.ts";
import type { ProjectStore } from "./storage/project-store.ts";
import type { ThemeChoice } from "./ui/theme.ts";

export interface PlaygroundOptions {
  /** The ProjectStore namespace; embedded pages use their own. Default "main". */
  storageNamespace: string;
  /** "minimal" hides the file tree's template notes and the template picker. Default "full". */
  chrome: "full" | "minimal";
  /** No edits possible (tutorial demos). Default false. */
  readOnly: boolean;
  /** Boot as soon as the page opens. Default true. */
  autoboot: boolean;
  /** Forced theme; default: the user's choice. */
  theme?: ThemeChoice;
  /**
   * A project to open instead of the saved current one, e.g. from a share link. It is saved as
   * a new project, so the user's own work stays untouched. May return undefined (nothing to open).
   */
  initialProject?: (store: ProjectStore) => Promise<ProjectState | undefined>;
  /** Set window.bootlab (default true). */
  exposeGlobalApi: boolean;
}

export const DEFAULT_OPTIONS: PlaygroundOptions = {
  storageNamespace: "main",
  chrome: "full",
  readOnly: false,
  autoboot: true,
  exposeGlobalApi: true,
};

export interface Playground {
  readonly options: PlaygroundOptions;
  readonly model: ProjectModel;
  readonly store: ProjectStore;
  readonly boot: BootController;
  /** The same object as window.bootlab. */
  readonly api: BootlabApi;
  /**
   * The same calls as `api`, checked the same way, for another caller: the embed protocol uses
   * `{ readOnly: false, argumentCode: "bad-args" }` (the embedding page may write into a
   * read-only lesson; its protocol's code for wrong arguments is `bad-args`).
   */
  apiFor(caller: { readOnly: boolean; argumentCode: string }): BootlabApi;
  /** Provide shareLink() / exportBundle(). */
  registerApiExtension(extension: ApiExtension): void;
  /** A container in the toolbar for extra buttons. */
  readonly toolbarSlot: HTMLElement;
  /** Shows a message in the status line for a few seconds, then the boot's status again. */
  notify(message: string, kind?: "info" | "error"): void;
  /** Saves the current project, then opens `state` (saved as it is) in its place. */
  openProject(state: ProjectState): Promise<void>;
  /** Boots the current files; warm when a snapshot serves, cold when asked. */
  reboot(options?: { cold?: boolean }): Promise<void>;
  /** The base archive's entries, once known. */
  baseEntries(): Promise<BaseEntry[]>;
  /** Bytes of a prebuilt artifact ("i386/tiny/bzImage", "i386/base.cpio.gz", ...). */
  artifact(path: string): Promise<Uint8Array>;
  /** Absolute URL of the prebuilt/ folder. */
  readonly prebuiltUrl: string;
}

export interface PlaygroundExtension {
  options?(url: URL): Partial<PlaygroundOptions> | undefined | Promise<Partial<PlaygroundOptions> | undefined>;
  install?(playground: Playground): void | Promise<void>;
}
