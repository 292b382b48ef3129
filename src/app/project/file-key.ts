// One string names a file of the project wherever the page refers to it (the tree's rows, the
// editor's models, lint markers, the status line): the guest path for a file of the initramfs
// ("/etc/inittab"), and the disk's name, a colon and the path on that disk for a file of a disk
// ("data1:/notes/todo.txt"). Guest paths start with "/", so the two never collide.

export interface FileLocation {
  /** The disk's name; undefined for the initramfs. */
  disk?: string;
  /** The guest path on that file system: "/etc/inittab". */
  path: string;
}

/** Disk names: what the templates use ("root", "data1"); no "/" or ":", so keys parse back. */
export const DISK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

export function fileKey(location: FileLocation): string {
  return location.disk === undefined ? location.path : `${location.disk}:${location.path}`;
}

/** The location a key names; a key that is not a guest path and has no "NAME:" is taken as a path (the model refuses it). */
export function locateKey(key: string): FileLocation {
  if (key.startsWith("/")) return { path: key };
  const colon = key.indexOf(":");
  if (colon > 0 && DISK_NAME.test(key.slice(0, colon))) return { disk: key.slice(0, colon), path: key.slice(colon + 1) || "/" };
  return { path: key };
}

/** The key of the root folder of a disk ("data1:/") or of the initramfs ("/"). */
export function rootKey(disk: string | undefined): string {
  return fileKey(disk === undefined ? { path: "/" } : { disk, path: "/" });
}
