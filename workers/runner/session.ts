// The boot session lives in core now (src/core/boot/session.ts: BootSession over any console,
// RunnerSession over a Runner). This old path stays only for `bootlab bench` until it moves
// onto the plan; new code imports from src/core/boot.
export { RunnerSession as BootSession, BootFailure } from "../../src/core/boot/index.ts";
