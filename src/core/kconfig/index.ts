// The kconfig-fragment model: parse, merge and write `.config` text, and check that a final
// `.config` still contains what a fragment asked for. Pure: strings in, data and strings out.
export type { Kconfig, KconfigEntry, KconfigValue } from "./model.ts";
export { describeValue, formatEntry, isOff, NOT_SET, setTo, valueOf } from "./model.ts";
export { KconfigParseError, parseKconfig, type ParseOptions } from "./parse.ts";
export { mergeKconfig, serializeKconfig } from "./merge.ts";
export { checkKconfig, describeMismatches, type KconfigMismatch } from "./check.ts";
export { explainMismatch, expressionSymbols, findDefinitions, findSourceSites, formatExplanations, type SourceSite, type DropExplanation, type SymbolDefinition } from "./explain.ts";
export { symbolNote } from "./symbols.ts";
