// The installed v86's version: a saved state is only restored by the v86 that saved it, so warm
// snapshots are kept under it (src/core/warm, WarmSnapshotTarget.key).
import v86Package from "v86/package.json" with { type: "json" };

export const V86_VERSION: string = v86Package.version;
