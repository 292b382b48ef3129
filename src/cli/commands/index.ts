// The list of commands, in the order `bootlab --help` shows them. One import a command.
import type { Command } from "../command.ts";
import { packCommand } from "./pack.ts";
import { unpackCommand } from "./unpack.ts";
import { buildCommand } from "./build.ts";

export const commands: Command[] = [packCommand, unpackCommand, buildCommand];
