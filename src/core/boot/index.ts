// The boot model: what to boot (system, plan, spec, command line, QEMU arguments), the runner
// interface, and how to read what comes back (transcript, stages, timeline, panic diagnosis).
export * from "./spec.ts";
export * from "./runner.ts";
export * from "./cmdline.ts";
export * from "./qemu-args.ts";
export * from "./diagnosis.ts";
export * from "./transcript.ts";
export * from "./defaults.ts";
export * from "./initrd.ts";
export * from "./prebuilt.ts";
export * from "./plan.ts";
export * from "./elf.ts";
