// How an embedding page configures the playground: everything goes in the iframe's URL, so a
// copy-paste <iframe> needs no script.
//
//   embed.html?template=busybox-init&readonly=1&boot=auto&theme=dark&origin=https://docs.example
//             &cmdline=console%3DttyS0%20quiet#share/1/...
//
// Query parameters (all optional):
//   template   template id to start from (letters, digits, "-", "_", ".")
//   cmdline    kernel command line (overrides the template's and the link's)
//   readonly   1/true: the reader cannot edit files (the embedding page's calls still can)
//   boot       "click" (default: boot when the reader presses Boot) or "auto" (boot on load)
//   theme      "auto" (default, follows the reader's system), "light" or "dark"
//   origin     origins allowed to call the postMessage API, comma-separated (default: any)
// Fragment: a share link's "#share/1/..." carries the files (and template and command line,
// which the query overrides). An embed URL is the share link plus how to show it.
import { decodeShareFragment, isShareFragment, type SharedDisk, type SharedFile, type SharedProject } from "../../core/share/index.ts";
import { ignoredParameters } from "../url-parameters.ts";
import { originProblem } from "./origins.ts";

export type BootMode = "click" | "auto";
export type Theme = "auto" | "light" | "dark";

export interface EmbedConfig {
  /** undefined: the page's default template. */
  template: string | undefined;
  /** undefined: the template's (or the link's) command line. */
  cmdline: string | undefined;
  /** undefined: the template's files as they are. */
  files: SharedFile[] | undefined;
  /** The disks' trees of a version 2 fragment; absent: the template's disks. */
  disks?: SharedDisk[];
  readOnly: boolean;
  boot: BootMode;
  theme: Theme;
  /** Empty: any origin may call. */
  allowedOrigins: string[];
}

export const DEFAULT_EMBED_CONFIG: EmbedConfig = {
  template: undefined,
  cmdline: undefined,
  files: undefined,
  readOnly: false,
  boot: "click",
  theme: "auto",
  allowedOrigins: [],
};

/** Every problem of an embed URL, so an author fixes them in one go. */
export class EmbedConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`This embed URL has ${problems.length === 1 ? "a problem" : `${problems.length} problems`}: ${problems.join("; ")}. See the embedding docs for the parameters.`);
    this.name = "EmbedConfigError";
  }
  readonly code = "bad-embed-config";
}

// "lan" is the page's own (app.ts: the virtual LAN the guest joins), read there for embeds too.
export const EMBED_PARAMETERS = ["embed", "template", "cmdline", "readonly", "boot", "theme", "origin", "lan"];
/** The full page's own parameters, which an embed does not read (page/address.ts). */
const PAGE_ONLY: Record<string, string> = { project: "opens a saved project of the full page; an embed opens its lesson" };
const TEMPLATE_ID = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_CMDLINE = 2047; // the x86 boot protocol's limit

/** True for embed.html and for any page URL with ?embed or ?embed=1. */
export function isEmbedUrl(url: string): boolean {
  const parsed = new URL(url);
  const flag = parsed.searchParams.get("embed");
  return /\/embed\.html$/.test(parsed.pathname) || (flag !== null && flag !== "0" && flag !== "false");
}

export interface ParsedEmbedConfig {
  config: EmbedConfig;
  /** Things ignored, for the console: unknown parameters, a repeated parameter. */
  warnings: string[];
}

/** Reads the configuration from the iframe's URL. Throws EmbedConfigError listing every problem. */
export function parseEmbedConfig(url: string): ParsedEmbedConfig {
  const parsed = new URL(url);
  const params = parsed.searchParams;
  const problems: string[] = [];
  const warnings = ignoredParameters(params, { known: EMBED_PARAMETERS, repeatable: ["origin"], elsewhere: PAGE_ONLY });
  const last = (key: string) => params.getAll(key).at(-1);

  let shared: SharedProject | undefined;
  if (parsed.hash && parsed.hash !== "#") {
    if (!isShareFragment(parsed.hash)) problems.push(`the fragment must be a share link ("#share/1/..."), got ${JSON.stringify(parsed.hash.slice(0, 30))}`);
    else {
      try {
        shared = decodeShareFragment(parsed.hash);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
  }

  const template = last("template") ?? shared?.template;
  if (template !== undefined && !TEMPLATE_ID.test(template)) {
    problems.push(`template must be an id of letters, digits, ".", "_" or "-", got ${JSON.stringify(template)}`);
  }
  const cmdline = last("cmdline") ?? shared?.cmdline;
  if (cmdline !== undefined && (cmdline.length > MAX_CMDLINE || /[\r\n\0]/.test(cmdline))) {
    problems.push(`cmdline must be one line of at most ${MAX_CMDLINE} characters`);
  }
  const readOnly = parseFlag("readonly", last("readonly"), problems);
  const boot = parseChoice("boot", last("boot"), ["click", "auto"] as const, problems) ?? DEFAULT_EMBED_CONFIG.boot;
  const theme = parseChoice("theme", last("theme"), ["auto", "light", "dark"] as const, problems) ?? DEFAULT_EMBED_CONFIG.theme;
  const allowedOrigins = params
    .getAll("origin")
    .flatMap((value) => value.split(","))
    .map((o) => o.trim())
    .filter((o) => o !== "");
  for (const origin of allowedOrigins) {
    const problem = originProblem(origin);
    if (problem) problems.push(`origin: ${problem}`);
  }
  if (problems.length) throw new EmbedConfigError(problems);
  const config: EmbedConfig = { template, cmdline, files: shared?.files, readOnly, boot, theme, allowedOrigins: [...new Set(allowedOrigins)] };
  if (shared?.disks) config.disks = shared.disks;
  return { config, warnings };
}

function parseFlag(name: string, value: string | undefined, problems: string[]): boolean {
  if (value === undefined || value === "0" || value === "false") return false;
  if (value === "" || value === "1" || value === "true") return true;
  problems.push(`${name} must be 1, 0, true or false, got ${JSON.stringify(value)}`);
  return false;
}

function parseChoice<T extends string>(name: string, value: string | undefined, choices: readonly T[], problems: string[]): T | undefined {
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as T;
  problems.push(`${name} must be ${choices.map((c) => `"${c}"`).join(" or ")}, got ${JSON.stringify(value)}`);
  return undefined;
}

/**
 * The embed URL for `config` on the playground at `embedPageUrl` (e.g. ".../embed.html").
 * Files go in as a share fragment (pass `shareFragment` from encodeShareFragment); the rest as
 * query parameters, defaults left out.
 */
export function embedUrl(embedPageUrl: string, config: Partial<Omit<EmbedConfig, "files" | "disks">>, shareFragment?: string): string {
  const url = new URL(embedPageUrl);
  url.hash = "";
  const set = (key: string, value: string | undefined) => (value === undefined ? url.searchParams.delete(key) : url.searchParams.set(key, value));
  set("template", config.template);
  set("cmdline", config.cmdline);
  set("readonly", config.readOnly ? "1" : undefined);
  set("boot", config.boot && config.boot !== DEFAULT_EMBED_CONFIG.boot ? config.boot : undefined);
  set("theme", config.theme && config.theme !== DEFAULT_EMBED_CONFIG.theme ? config.theme : undefined);
  set("origin", config.allowedOrigins?.length ? config.allowedOrigins.join(",") : undefined);
  const text = url.toString();
  return shareFragment ? `${text}#${shareFragment.replace(/^#/, "")}` : text;
}

/** The copy-paste snippet for a docs page: an iframe sized for a terminal and an editor. */
export function embedSnippet(src: string, title = "bootlab playground"): string {
  const attr = (value: string) => value.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;");
  return `<iframe src="${attr(src)}" title="${attr(title)}" width="100%" height="560" style="border:1px solid #8884;border-radius:6px" loading="lazy" allow="clipboard-write"></iframe>`;
}
