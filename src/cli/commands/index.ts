// The list of commands, in the order `bootlab --help` shows them. One import a command.
import type { Command } from "../command.ts";

export const commands: Command[] = [];
