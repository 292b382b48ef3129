// Warm boots: a snapshot of the kernel booted as far as the init, and the user's files handed
// to the agent waiting in it (see warm-plan.ts and protocol.ts).
export * from "./protocol.ts";
export * from "./warm-plan.ts";
