// The boot model: what to boot (system, plan, spec, command line, QEMU arguments), the runner
// interface, and how to read what comes back (transcript, stages, timeline, panic diagnosis, the
// session and its outcome).
export * from "./spec.ts";
export * from "./runner.ts";
export * from "./cmdline.ts";
export * from "./qemu-args.ts";
export * from "./network.ts";
export * from "./diagnosis.ts";
export * from "./annotations.ts";
export * from "./transcript.ts";
export * from "./timeline.ts";
export * from "./timeline-svg.ts";
export * from "./parity.ts";
export * from "./defaults.ts";
export * from "./initrd.ts";
export * from "./prebuilt.ts";
export * from "./plan.ts";
export * from "./elf.ts";
export * from "./clock.ts";
export * from "./init-failure.ts";
export * from "./respawn.ts";
export * from "./outcome.ts";
export * from "./session.ts";
export * from "./file-disks.ts";
export * from "./disk-changes.ts";
export * from "./kernel-view.ts";
