// Whether a planned boot can be warm, and what a warm boot of it needs: the snapshot to restore
// (taken once per kernel, base and layers, command line and memory) and the archive to deliver
// into it.
//
// A snapshot boot is the cold boot with the user's files left out and the warm-boot agent at
// the init path: same kernel, command line and memory, the same archives under the files (the
// base and the system's layers, or nothing). The kernel gets exactly as far as it does in a
// cold boot, to "Run /init as init process"; the agent is that init. A warm boot restores the snapshot and hands the agent
// the archive that turns its tree into the cold boot's: the base's own entry at the init path
// (which the agent's entry had replaced), then the user's files, as the plan packed them.
import { packCpio } from "../cpio/writer.ts";
import { readCpio } from "../cpio/reader.ts";
import { normalizeEntryPath, normalizePathOrRoot, parentPath } from "../cpio/path.ts";
import { fileEntry } from "../cpio/constructors.ts";
import type { CpioEntry } from "../cpio/entry.ts";
import { overlayEntries, type OverlayFile } from "../rootfs/overlay.ts";
import { artifactSha256, type PrebuiltArtifacts } from "../boot/prebuilt.ts";
import type { BootPlan, BootSystem } from "../boot/plan.ts";
import { concatInitrds, type BootSpec } from "../boot/spec.ts";
import { KernelCmdline } from "../boot/cmdline.ts";

/** Bumped when the snapshot boot or the agent's protocol changes: older snapshots are not used. */
export const WARM_FORMAT = 1;

/** What to boot to take a snapshot, and the key it is kept under. */
export interface WarmSnapshotTarget {
  /**
   * Everything the snapshot depends on, as one string: the format, the kernel's, base's and
   * agent's sha256, the command line, the memory, the init path. Equal keys: the same snapshot.
   */
  key: string;
  /**
   * The snapshot boot: the plan's kernel, command line and memory; the base and the agent as
   * initrd. A function, so that only making a snapshot fetches the agent (a first visit's
   * boot must not fetch more).
   */
  spec: () => Promise<BootSpec>;
  initPath: string;
}

export type WarmDecision =
  | { warm: true; snapshot: WarmSnapshotTarget; archive: Uint8Array }
  | { warm: false; coldReason: string };


/**
 * Plans the warm side of a v86 boot. `v86Version` goes into the key: a state is only restored
 * by the v86 that saved it.
 */
export async function planWarm(system: BootSystem, plan: BootPlan, artifacts: PrebuiltArtifacts, v86Version: string): Promise<WarmDecision> {
  const cold = (coldReason: string): WarmDecision => ({ warm: false, coldReason });
  if (system.initrd !== undefined) return cold("an initrd of your own boots cold");
  if (plan.spec.disks.length > 0) return cold("systems with disks boot cold");
  if (plan.spec.network) return cold("systems with a network boot cold (the network card's state is not in the snapshot)");
  const root = KernelCmdline.parse(plan.spec.cmdline).get("root");
  if (root !== undefined && root !== "") return cold(`a root file system outside the initramfs (root=${root}) boots cold`);
  if (system.base === "busybox" && !plan.usesBase) return cold("a root file system outside the initramfs boots cold");
  if (!plan.kernel.bzImage) return cold("your own kernel boots cold");
  if (plan.expectations.initHint) return cold(`the init cannot run (${plan.expectations.initHint}); a cold boot shows the kernel's own error`);
  // The kernel opens /dev/console for the init before running it: a snapshot opened the base's.
  const touched = system.files.find((file) => {
    const name = normalizePathOrRoot(file.path);
    return name === "dev/console" || (name === "dev" && file.kind !== "directory");
  });
  if (touched) return cold(`your files change ${touched.path}, which the kernel opens before the init runs`);

  const manifest = artifacts.manifest;
  const base = artifacts.base("i386");
  if (!base?.warmAgent) return cold("prebuilt/ has no warm-boot agent; rebuild it with `bootlab build`");
  const kernelSha = artifactSha256(manifest, plan.kernel.bzImage);
  const agentSha = artifactSha256(manifest, base.warmAgent);
  const baseSha = plan.usesBase ? artifactSha256(manifest, base.path) : "none";
  if (!kernelSha || !agentSha || !baseSha) return cold("prebuilt/manifest.json lacks a sha256 for the kernel, base or agent");
  // The archives under the user's files, as the plan lays them: the base, then each layer (the
  // devel layer's tcc and musl). The snapshot boots them all, and is keyed by each one's sha256.
  const underPaths = plan.usesBase ? [base.path] : [];
  const layerKeys: Array<{ id: string; sha256: string }> = [];
  for (const id of system.layers ?? []) {
    const layer = artifacts.layer(id, "i386");
    const sha256 = layer && artifactSha256(manifest, layer.path);
    if (!layer || !sha256) return cold(`prebuilt/manifest.json lacks the ${id} layer or its sha256`);
    underPaths.push(layer.path);
    layerKeys.push({ id, sha256 });
  }

  const initPath = plan.expectations.initPath;
  const initName = normalizeEntryPath(initPath);
  const under = await underTree(artifacts, underPaths);
  const overlay = overlayEntries(system.files);
  const parent = parentPath(initName);
  if (parent !== "" && under.get(parent)?.kind !== "directory") {
    return cold(`the init path ${initPath} is in a directory the ${underPaths.length ? "base" : "kernel's built-in archive"} lacks`);
  }
  if (under.get(initName)?.kind === "directory") return cold(`the init path ${initPath} is a directory in the base`);
  if (!resolvesToFile(initName, under, overlay)) return cold(`nothing the kernel can run is at ${initPath}; a cold boot shows what the kernel does then`);

  const { cmdline, memoryMiB } = plan.spec;
  const bzImage = plan.kernel.bzImage;
  const agentPath = base.warmAgent;
  const spec = async (): Promise<BootSpec> => {
    const agent = await artifacts.bytes(agentPath);
    const agentArchive = packCpio([fileEntry(initName, agent, { mode: 0o755 })], { addParents: false });
    const initrds = [...(await Promise.all(underPaths.map((path) => artifacts.plainInitrd(path)))), agentArchive];
    return { kernel: await artifacts.bytes(bzImage), initrds: [concatInitrds(initrds)], disks: [], cmdline, memoryMiB };
  };
  const key = JSON.stringify({ format: WARM_FORMAT, v86: v86Version, kernel: kernelSha, base: baseSha, layers: layerKeys, agent: agentSha, cmdline: plan.spec.cmdline, memoryMiB: plan.spec.memoryMiB, initPath });

  // What the agent's entry replaced comes back first, then the user's files as the plan packed them.
  const displaced = under.get(initName);
  const parts = [displaced?.entry ? packCpio([displaced.entry], { addParents: false }) : undefined, system.files.length ? packCpio(overlay) : undefined].filter((part): part is Uint8Array => part !== undefined);
  return { warm: true, snapshot: { key, spec, initPath }, archive: parts.length ? concatInitrds(parts) : new Uint8Array() };
}

interface TreeNode {
  kind: CpioEntry["kind"];
  target?: string;
  /** The entry itself, when it came from an archive the snapshot unpacked (not the kernel's built-in one). */
  entry?: CpioEntry;
}
type Tree = Map<string, TreeNode>;

/** The kernel's built-in initramfs (usr/default_cpio_list), unpacked before any initrd. */
const BUILT_IN_TREE: Tree = new Map([
  ["", { kind: "directory" }],
  ["dev", { kind: "directory" }],
  ["dev/console", { kind: "char-device" }],
  ["root", { kind: "directory" }],
]);

const underTrees = new Map<string, Promise<Tree>>();
/** The tree the kernel makes of the built-in archive and then `paths` (plain archives), cached per list. */
function underTree(artifacts: PrebuiltArtifacts, paths: readonly string[]): Promise<Tree> {
  const key = paths.join("\n");
  let pending = underTrees.get(key);
  if (!pending) {
    pending = Promise.all(paths.map((path) => artifacts.plainInitrd(path))).then((archives) => {
      const tree: Tree = new Map(BUILT_IN_TREE);
      for (const bytes of archives) {
        for (const entry of readCpio(bytes)) {
          const node: TreeNode = { kind: entry.kind, entry };
          if (entry.kind === "symlink" || entry.kind === "hardlink") node.target = entry.target;
          tree.set(entry.path, node);
        }
      }
      return tree;
    });
    underTrees.set(key, pending);
    pending.catch(() => underTrees.delete(key));
  }
  return pending;
}

/** Whether `name` leads, through at most 8 symlinks, to a regular file in the tree under plus the overlay. */
function resolvesToFile(name: string, under: Tree, overlay: readonly CpioEntry[]): boolean {
  const top = new Map<string, TreeNode>();
  for (const entry of overlay) top.set(normalizeEntryPath(entry.path), { kind: entry.kind, ...(entry.kind === "symlink" ? { target: entry.target } : {}) });
  const lookup = (path: string) => top.get(path) ?? under.get(path);
  let current = name;
  for (let hops = 0; hops <= 8; hops++) {
    const node = lookup(current);
    if (!node) return false;
    if (node.kind === "file" || node.kind === "hardlink") return true;
    if (node.kind !== "symlink" || node.target === undefined) return false;
    const target = node.target.startsWith("/") ? node.target : `${parentPath(current)}/${node.target}`;
    try {
      current = normalizeEntryPath(target);
    } catch {
      return false;
    }
  }
  return false;
}
