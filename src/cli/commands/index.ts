// The list of commands, in the order `bootlab --help` shows them. One import a command.
import type { Command } from "../command.ts";
import { packCommand } from "./pack.ts";
import { unpackCommand } from "./unpack.ts";
import { bootCommand } from "./boot.ts";
import { benchCommand } from "./bench.ts";
import { buildCommand } from "./build.ts";
import { templatesCommand } from "./templates.ts";
import { exportCommand } from "./export.ts";
import { parityCommand } from "./parity.ts";

export const commands: Command[] = [packCommand, unpackCommand, templatesCommand, bootCommand, parityCommand, exportCommand, benchCommand, buildCommand];
