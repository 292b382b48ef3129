// The environment every build command runs in. Fixed values for everything that would
// otherwise leak the time, the user or the machine into an artifact (the kernel's `uname -v`,
// BusyBox's version banner), and a fixed locale and time zone for the tools' own output.
// Paths are kept out by -ffile-prefix-map in each recipe and by building out of tree.

/** 1970-01-01: the outputs say "built from these sources", not "built at this time". */
export const SOURCE_DATE_EPOCH = "0";

export function reproducibleEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Only what a build needs from the caller: where the tools are and a home for them.
  for (const key of ["PATH", "HOME", "TMPDIR"]) if (base[key] !== undefined) env[key] = base[key];
  return {
    ...env,
    LC_ALL: "C",
    TZ: "UTC",
    SOURCE_DATE_EPOCH,
    KBUILD_BUILD_TIMESTAMP: "1970-01-01 00:00:00 UTC",
    KBUILD_BUILD_USER: "bootlab",
    KBUILD_BUILD_HOST: "bootlab",
    KBUILD_BUILD_VERSION: "1",
    // BusyBox's kconfig writes no timestamp into autoconf.h with this set.
    KCONFIG_NOTIMESTAMP: "1",
  };
}
