export * from "./compile.ts";
export * from "./program-pages.ts";
