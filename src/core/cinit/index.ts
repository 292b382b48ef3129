export * from "./compile.ts";
