// The devel layer: TinyCC (tcc) and what it needs to compile and link static programs inside an
// i386 guest, packed as its own cpio.gz that the plan appends after the base archive only for
// systems that ask for it (BootSystem.layers). Three parts:
//   - musl again, built from the same pinned tarball but with -fno-pie: Debian's gcc makes
//     position-independent code by default, and tcc 0.9.27 links such objects' PLT calls into a
//     static program without filling the GOT (the program jumps through address 0x1c and dies).
//     Code without PIC relocations links correctly. The rest of bootlab keeps its own musl.
//   - tcc itself, compiled by the host gcc against bootlab's musl (the sysroot), static, for an
//     i386 guest whose headers are in /usr/include and libraries in /usr/lib; its libtcc1.a is
//     compiled by that tcc (which runs on the x86-64 host as an i386 program) plus
//     files/tcc-divmod.c, two helpers gcc-built musl calls that libtcc1 lacks.
//   - the layer: /usr/bin/tcc, /usr/bin/cc -> tcc, /usr/lib/tcc/{libtcc1.a,include/}, musl's
//     headers in /usr/include, its start files and libraries in /usr/lib.
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { directoryEntry, fileEntry, packCpioGz, symlinkEntry, type CpioEntry } from "../../../core/cpio/index.ts";
import { assertNoBuildPaths } from "../path-leaks.ts";
import type { RecipeRun } from "./recipe.ts";
import { writeSpecs } from "./musl.ts";

/** Where things are in the guest; tcc is configured with these paths. */
export const DEVEL_GUEST = {
  tcc: "usr/bin/tcc",
  cc: "usr/bin/cc",
  tccDir: "usr/lib/tcc",
  include: "usr/include",
  lib: "usr/lib",
} as const;

/** musl's files a static link needs (libm.a and friends are empty in musl, but -lm must work). */
const MUSL_LIB_FILES = ["crt1.o", "crti.o", "crtn.o", "libc.a", "libm.a", "libpthread.a", "libdl.a", "librt.a", "libcrypt.a", "libutil.a", "libresolv.a", "libxnet.a"];

export const TCC_DIVMOD_SOURCE = fileURLToPath(new URL("../files/tcc-divmod.c", import.meta.url));

export interface DevelMuslBuild extends RecipeRun {
  /** The extracted musl tree (built in place). */
  tree: string;
  /** The install prefix: lib/ and include/ (musl's headers only). */
  prefix: string;
}

/** musl without position-independent code, for programs tcc links (see the header). */
export async function buildDevelMusl(b: DevelMuslBuild): Promise<void> {
  const cc = ["gcc", ...b.target.gccFlags].join(" ");
  const env = { ...b.env, CC: cc, AR: "ar", RANLIB: "ranlib", CFLAGS: `-fno-pie -ffile-prefix-map=${b.tree}=musl` };
  await b.log.step("sh", ["./configure", `--prefix=${b.prefix}`, `--target=${b.target.muslTarget}`, "--disable-shared", `CC=${cc}`, "AR=ar", "RANLIB=ranlib"], { cwd: b.tree, env });
  await b.log.step("make", [`-j${b.jobs}`, "AR=ar", "RANLIB=ranlib"], { cwd: b.tree, env });
  await b.log.step("make", ["install", "AR=ar", "RANLIB=ranlib"], { cwd: b.tree, env });
}

export interface TccBuild extends RecipeRun {
  /** The extracted tcc tree (built in place). */
  tree: string;
  /** bootlab's musl sysroot, which tcc itself is linked against. */
  sysroot: string;
  /** The -fno-pie musl whose headers compile libtcc1. */
  develMusl: string;
  /** Where tcc, libtcc1.a and include/ go. */
  outDir: string;
}

export async function buildTcc(b: TccBuild): Promise<void> {
  // tcc's configure cuts --cc at the first "=", so the compiler and its flags go in a script.
  const specs = writeSpecs(b.sysroot, b.tree);
  const wrapper = join(b.tree, "bootlab-cc");
  writeFileSync(wrapper, `#!/bin/sh\nexec gcc ${b.target.gccFlags.join(" ")} -specs=${specs} -Wl,-m,${b.target.ldEmulation} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const g = DEVEL_GUEST;
  await b.log.step(
    "sh",
    [
      "./configure",
      "--prefix=/usr",
      "--cpu=i386",
      `--cc=${wrapper}`,
      "--config-musl",
      `--tccdir=/${g.tccDir}`,
      `--sysincludepaths={B}/include:/${g.include}`,
      `--libpaths={B}:/${g.lib}`,
      `--crtprefix=/${g.lib}`,
      "--elfinterp=/lib/ld-musl-i386.so.1",
      `--extra-cflags=-Os -ffile-prefix-map=${b.tree}=tcc`,
      "--extra-ldflags=-static -s",
    ],
    { cwd: b.tree, env: b.env },
  );
  await b.log.step("make", [`-j${b.jobs}`, "tcc"], { cwd: b.tree, env: b.env });
  // libtcc1.a by the new tcc: its own headers (-B), musl's for the few libc ones; no host headers.
  const xflags = `-B${b.tree} -I${b.tree} -nostdinc -I${join(b.tree, "include")} -I${join(b.develMusl, "include")}`;
  await b.log.step("make", ["libtcc1.a", `XFLAGS=${xflags}`], { cwd: b.tree, env: b.env });
  const tcc = join(b.tree, "tcc");
  const lib = join(b.tree, "lib");
  copyFileSync(TCC_DIVMOD_SOURCE, join(lib, "tcc-divmod.c"));
  await b.log.step(tcc, ["-c", "tcc-divmod.c", "-o", "tcc-divmod.o", "-nostdinc"], { cwd: lib, env: b.env });
  await b.log.step(tcc, ["-ar", "rcs", join(b.outDir, "libtcc1.a"), "libtcc1.o", "alloca86.o", "alloca86-bt.o", "tcc-divmod.o"], { cwd: lib, env: b.env });
  copyFileSync(tcc, join(b.outDir, "tcc"));
  mkdirSync(join(b.outDir, "include"), { recursive: true });
  for (const name of readdirSync(join(b.tree, "include")).sort()) copyFileSync(join(b.tree, "include", name), join(b.outDir, "include", name));
  for (const file of ["tcc", "libtcc1.a"]) assertNoBuildPaths(join(b.outDir, file), [b.tree, b.sysroot, b.develMusl]);
}

/** Every file below `dir`, as paths relative to it, sorted. */
function walk(dir: string): string[] {
  const out: string[] = [];
  const visit = (sub: string): void => {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(join(dir, rel)).isDirectory()) visit(rel);
      else out.push(rel);
    }
  };
  visit("");
  return out;
}

/** The devel layer's entries: tcc's stage and the -fno-pie musl's install. */
export function develLayerEntries(tccDir: string, develMusl: string): CpioEntry[] {
  const g = DEVEL_GUEST;
  const entries: CpioEntry[] = [];
  const dirs = new Set<string>();
  const dir = (path: string): void => {
    const parts = path.split("/");
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join("/");
      if (!dirs.has(p)) {
        dirs.add(p);
        entries.push(directoryEntry(p, { mode: 0o755 }));
      }
    }
  };
  const file = (path: string, from: string, mode = 0o644): void => {
    dir(path.slice(0, path.lastIndexOf("/")));
    entries.push(fileEntry(path, readFileSync(from), { mode }));
  };
  file(g.tcc, join(tccDir, "tcc"), 0o755);
  entries.push(symlinkEntry(g.cc, "tcc"));
  file(`${g.tccDir}/libtcc1.a`, join(tccDir, "libtcc1.a"));
  for (const rel of walk(join(tccDir, "include"))) file(`${g.tccDir}/include/${rel}`, join(tccDir, "include", rel));
  for (const rel of walk(join(develMusl, "include"))) file(`${g.include}/${rel}`, join(develMusl, "include", rel));
  for (const name of MUSL_LIB_FILES) file(`${g.lib}/${name}`, join(develMusl, "lib", name));
  return entries;
}

/** The devel layer archive, gzip level 9 (the page downloads it for systems that ask for it). */
export function packDevelLayer(tccDir: string, develMusl: string): Uint8Array {
  return packCpioGz(develLayerEntries(tccDir, develMusl), { level: 9 });
}
