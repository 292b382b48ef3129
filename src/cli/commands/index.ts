// The list of commands, in the order `bootlab --help` shows them. One import a command.
import type { Command } from "../command.ts";
import { packCommand } from "./pack.ts";
import { unpackCommand } from "./unpack.ts";

export const commands: Command[] = [packCommand, unpackCommand];
