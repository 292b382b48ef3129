// What every recipe of `bootlab build` runs with: the stage's log, the environment of its
// commands (SOURCE_DATE_EPOCH, the locale, the compiler), how many jobs make may run, and the
// target it builds for. Each recipe's own input extends it.
import type { StageLog } from "../stage-log.ts";
import type { Target } from "../targets.ts";

export interface RecipeRun {
  log: StageLog;
  env: NodeJS.ProcessEnv;
  jobs: number;
  target: Target;
}
