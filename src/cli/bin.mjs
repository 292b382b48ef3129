#!/usr/bin/env node
// The `bootlab` binary. The CLI is TypeScript run through tsx, so a clone works right after
// `npm install` with no build step; this file only registers the loader and hands over.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv.slice(2));
