// The one table of the page's calls: window.bootlab and the embed protocol (embed/protocol.ts)
// both come from it, so a method, its argument check and its fallback error code are written
// once. makeApi() turns an implementation (the playground's, app.ts) into the object both
// front ends call: arguments checked and normalised, writes refused when read-only, every
// failure a BootlabApiError with a code.
import { BootlabApiError, withCode, type BootlabApi } from "./bootlab-api.ts";

export type MethodName = keyof BootlabApi;

/** Strings crossing the API (paths, file text, console input) may be at most this long. */
export const MAX_TEXT = 16 * 1024 * 1024;

export interface MethodSpec {
  /** The error code of a failure that has none of its own (docs/page-api.md). */
  fallbackCode: string;
  /** Changes the project: refused with `read-only` when the reader may not edit. */
  writes?: boolean;
  /** The arguments in words, for the error: "path: string, text: string, ...". */
  want: string;
  /** The arguments as the implementation takes them, or undefined when they are wrong. */
  check(args: readonly unknown[]): unknown[] | undefined;
}

const isText = (v: unknown): v is string => typeof v === "string" && v.length <= MAX_TEXT;
const none = (args: readonly unknown[]) => (args.length === 0 ? [] : undefined);
const oneText = (args: readonly unknown[]) => (args.length === 1 && isText(args[0]) ? [args[0]] : undefined);
/** An optional options object: absent, undefined or an object (not null, not an array). */
const optionsObject = (v: unknown): v is Record<string, unknown> | undefined => v === undefined || (typeof v === "object" && v !== null && !Array.isArray(v));

/** A disk's name as the project has it ("data1"); the implementation says when there is no such disk. */
const isDiskName = (v: unknown): v is string => typeof v === "string" && v.length > 0 && v.length <= 64;
/** `{ disk?: name }` as the implementation takes it: `{}` for the initramfs; undefined when malformed. */
const diskOption = (options: Record<string, unknown> | undefined): { disk?: string } | undefined => {
  const disk = options?.disk;
  if (disk === undefined) return {};
  return isDiskName(disk) ? { disk } : undefined;
};
/** (path, options?: { disk? }): readFile and removeFile. */
const pathOnDisk = (args: readonly unknown[]) => {
  const [path, options] = args;
  if (args.length < 1 || args.length > 2 || !isText(path) || !optionsObject(options)) return undefined;
  const disk = diskOption(options);
  if (!disk) return undefined;
  return disk.disk === undefined ? [path] : [path, disk];
};
const oneDiskName = (args: readonly unknown[]) => (args.length === 1 && isDiskName(args[0]) ? [args[0]] : undefined);

export const API_METHODS: { readonly [M in MethodName]: MethodSpec } = {
  listFiles: { fallbackCode: "list-failed", want: "", check: none },
  readFile: { fallbackCode: "read-failed", want: "path: string, options?: { disk?: string }", check: pathOnDisk },
  writeFile: {
    fallbackCode: "write-failed",
    writes: true,
    want: "path: string, text: string, options?: { mode?: number from 0 to 0o7777, disk?: string }",
    check(args) {
      const [path, text, options] = args;
      if (args.length < 2 || args.length > 3 || !isText(path) || !isText(text) || !optionsObject(options)) return undefined;
      const disk = diskOption(options);
      if (!disk) return undefined;
      const mode = options?.mode;
      if (mode === undefined) return disk.disk === undefined ? [path, text] : [path, text, disk];
      if (typeof mode !== "number" || !Number.isInteger(mode) || mode < 0 || mode > 0o7777) return undefined;
      return [path, text, { mode, ...disk }];
    },
  },
  removeFile: { fallbackCode: "remove-failed", writes: true, want: "path: string, options?: { disk?: string }", check: pathOnDisk },
  setCmdline: { fallbackCode: "cmdline-failed", writes: true, want: "cmdline: string", check: oneText },
  reboot: {
    fallbackCode: "boot-failed",
    want: "options?: { cold?: boolean }",
    check(args) {
      const [options] = args;
      if (args.length > 1 || !optionsObject(options)) return undefined;
      const cold = options?.cold;
      if (cold !== undefined && typeof cold !== "boolean") return undefined;
      return [{ cold: cold === true }];
    },
  },
  send: { fallbackCode: "send-failed", want: "text: string", check: oneText },
  output: { fallbackCode: "output-failed", want: "", check: none },
  waitFor: {
    fallbackCode: "wait-failed",
    want: "textOrRegExp: string | RegExp | { regexp, flags? }, ms?: number > 0",
    check(args) {
      const [pattern, ms] = args;
      if (args.length < 1 || args.length > 2 || (ms !== undefined && (typeof ms !== "number" || !(ms > 0)))) return undefined;
      const converted = toPattern(pattern);
      if (converted === undefined) return undefined;
      return ms === undefined ? [converted] : [converted, ms];
    },
  },
  metrics: { fallbackCode: "metrics-failed", want: "", check: none },
  diskChanges: { fallbackCode: "disk-changes-failed", want: "name: string (a disk of the project)", check: oneDiskName },
  keepDiskChanges: { fallbackCode: "keep-failed", writes: true, want: "name: string (a disk of the project)", check: oneDiskName },
  kernel: { fallbackCode: "kernel-failed", want: "", check: none },
  shareLink: { fallbackCode: "share-failed", want: "", check: none },
  exportBundle: { fallbackCode: "export-failed", want: "", check: none },
};

export const METHOD_NAMES = Object.keys(API_METHODS) as MethodName[];

/** Arguments that do not fit a method: `writeFile: want (path: string, ...), got (string, number)`. */
export class ArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArgumentError";
  }
}

/** The method's arguments as its implementation takes them; throws ArgumentError saying what was wanted. */
export function checkArguments(method: MethodName, args: readonly unknown[]): unknown[] {
  const checked = API_METHODS[method].check(args);
  if (!checked) throw new ArgumentError(`${method}: want (${API_METHODS[method].want}), got (${args.map(describe).join(", ")})`);
  return checked;
}

/** waitFor's pattern: a string, a RegExp, or { regexp, flags? } for callers that build JSON. */
function toPattern(value: unknown): string | RegExp | undefined {
  if (typeof value === "string" || value instanceof RegExp) return value;
  if (typeof value === "object" && value !== null && typeof (value as { regexp?: unknown }).regexp === "string") {
    const { regexp, flags } = value as { regexp: string; flags?: unknown };
    if (flags !== undefined && typeof flags !== "string") return undefined;
    try {
      return new RegExp(regexp, flags);
    } catch (error) {
      throw new ArgumentError(`waitFor: ${(error as Error).message}`);
    }
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof RegExp) return "RegExp";
  return typeof value;
}

/** What the playground provides: each method with checked arguments; values or promises. */
export type ApiImplementation = {
  [M in MethodName]: (...args: Parameters<BootlabApi[M]>) => Awaited<ReturnType<BootlabApi[M]>> | ReturnType<BootlabApi[M]>;
};

export interface MakeApiOptions {
  /** Refuse the writing methods with `read-only`. */
  readOnly: boolean;
  /** The code of wrong arguments: `bad-argument` for window.bootlab, `bad-args` for the embed protocol. */
  argumentCode: string;
}

/** The checked API over `implementation`: what window.bootlab is, and what the embed host calls. */
export function makeApi(implementation: ApiImplementation, options: MakeApiOptions): BootlabApi {
  const api = {} as Record<MethodName, (...args: unknown[]) => Promise<unknown>>;
  for (const method of METHOD_NAMES) {
    const spec = API_METHODS[method];
    api[method] = (...args: unknown[]) =>
      withCode(spec.fallbackCode, () => {
        let checked: unknown[];
        try {
          checked = checkArguments(method, args);
        } catch (error) {
          throw new BootlabApiError(options.argumentCode, (error as Error).message);
        }
        if (spec.writes && options.readOnly) throw new BootlabApiError("read-only", "this playground is read-only");
        return (implementation[method] as (...a: unknown[]) => unknown)(...checked);
      });
  }
  return api as unknown as BootlabApi;
}
