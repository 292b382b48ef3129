// Puts every pinned source file into the cache, verified: from the cache when its sha256
// matches, else through the Debian route (apt-get download / apt-get source --download-only with
// a private configuration) or the upstream URL. A file whose sha256 differs from the pin is
// deleted and reported; nothing unverified is ever built.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CliError, EXIT_FAILED, EXIT_USAGE } from "../command.ts";
import { findTool } from "../exec.ts";
import { parseDeb822Sources, parseOneLineSources, privateSourcesFile, type AptSource } from "./apt-sources.ts";
import type { CacheLayout } from "./cache.ts";
import type { SourcePin } from "./sources.ts";
import type { StageLog } from "./stage-log.ts";

export type SourceRoute = "auto" | "debian" | "upstream";

export interface ObtainedSource {
  pin: SourcePin;
  path: string;
  sha256: string;
  /** How the file first came into the cache: "debian" or "upstream". */
  origin: string;
  /** Whether this run downloaded it. */
  downloaded: boolean;
}

export function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** The system's apt sources, from the usual places. */
export function systemAptSources(etc = "/etc/apt"): AptSource[] {
  const found: AptSource[] = [];
  const list = join(etc, "sources.list");
  if (existsSync(list)) found.push(...parseOneLineSources(readFileSync(list, "utf8")));
  const parts = join(etc, "sources.list.d");
  if (existsSync(parts)) {
    for (const name of readdirSync(parts).sort()) {
      const text = (): string => readFileSync(join(parts, name), "utf8");
      if (name.endsWith(".sources")) found.push(...parseDeb822Sources(text()));
      else if (name.endsWith(".list")) found.push(...parseOneLineSources(text()));
    }
  }
  return found;
}

export class SourceFetcher {
  private aptReady = false;

  constructor(
    private readonly layout: CacheLayout,
    private readonly log: StageLog,
    private readonly route: SourceRoute,
  ) {}

  async obtain(pin: SourcePin): Promise<ObtainedSource> {
    mkdirSync(this.layout.sources, { recursive: true });
    const file = join(this.layout.sources, pin.debian.file);
    const originFile = `${file}.origin`;
    if (existsSync(file)) {
      const sha256 = sha256File(file);
      if (sha256 === pin.debian.sha256) {
        const origin = existsSync(originFile) ? readFileSync(originFile, "utf8").trim() : "cache";
        return { pin, path: file, sha256, origin, downloaded: false };
      }
      this.log.say(`${pin.debian.file}: cached copy has sha256 ${sha256}, want ${pin.debian.sha256}; fetching it again`);
      rmSync(file);
    }
    const route = this.chooseRoute(pin);
    const fetched = route === "debian" ? await this.viaDebian(pin) : await this.viaUpstream(pin);
    const sha256 = sha256File(fetched);
    if (sha256 !== pin.debian.sha256) {
      rmSync(fetched, { force: true });
      throw new CliError(`${pin.debian.file} from ${route}: got sha256 ${sha256}, want ${pin.debian.sha256} (pinned in src/cli/build/sources.ts); deleted it`, EXIT_FAILED);
    }
    renameSync(fetched, file);
    writeFileSync(originFile, `${route}\n`);
    return { pin, path: file, sha256, origin: route, downloaded: true };
  }

  private chooseRoute(pin: SourcePin): "debian" | "upstream" {
    if (this.route === "debian") return "debian";
    if (this.route === "upstream") {
      if (!pin.upstream) throw new CliError(`${pin.name} has no upstream route (${pin.debian.package} comes from Debian's archive only); use --source debian`, EXIT_USAGE);
      return "upstream";
    }
    if (findTool("apt-get") && systemAptSources().length > 0) return "debian";
    if (pin.upstream) return "upstream";
    throw new CliError(`${pin.name}: no apt-get with Debian sources on this machine, and no upstream route for ${pin.debian.package}`, EXIT_USAGE);
  }

  private async viaUpstream(pin: SourcePin): Promise<string> {
    const upstream = pin.upstream!;
    if (upstream.sha256 === null) {
      throw new CliError(`${pin.name}: the upstream tarball ${upstream.url} has no verified sha256 (${upstream.note}); refusing to build from it. Use --source debian.`, EXIT_USAGE);
    }
    this.log.say(`downloading ${upstream.url}`);
    const response = await fetch(upstream.url).catch((error: Error) => {
      throw new CliError(`${upstream.url}: ${error.message}`, EXIT_FAILED);
    });
    if (!response.ok) throw new CliError(`${upstream.url}: HTTP ${response.status}`, EXIT_FAILED);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const partial = join(this.layout.sources, `${pin.debian.file}.partial`);
    writeFileSync(partial, bytes);
    return partial;
  }

  /** apt-get options that keep every file apt reads or writes under the cache. */
  private aptOptions(): string[] {
    const apt = this.layout.apt;
    return [
      "-o", `Dir::Etc::SourceList=${join(apt, "sources.list")}`,
      "-o", `Dir::Etc::SourceParts=${join(apt, "sources.list.d")}`,
      "-o", `Dir::State::Lists=${join(apt, "lists")}`,
      "-o", `Dir::Cache=${join(apt, "cache")}`,
      "-o", "Debug::NoLocking=true",
    ];
  }

  private async prepareApt(): Promise<void> {
    if (this.aptReady) return;
    const sources = systemAptSources();
    if (sources.length === 0) throw new CliError("no enabled `deb` entries in /etc/apt/sources.list{,.d}: cannot derive a deb-src entry for the Debian route; use --source upstream", EXIT_USAGE);
    const apt = this.layout.apt;
    for (const dir of ["sources.list.d", "lists/partial", "cache/archives/partial"]) mkdirSync(join(apt, dir), { recursive: true });
    writeFileSync(join(apt, "sources.list"), "");
    writeFileSync(join(apt, "sources.list.d", "bootlab.sources"), privateSourcesFile(sources));
    await this.log.step("apt-get", [...this.aptOptions(), "update"]);
    this.aptReady = true;
  }

  private async viaDebian(pin: SourcePin): Promise<string> {
    await this.prepareApt();
    const download = join(this.layout.sources, `download-${process.pid}`);
    rmSync(download, { recursive: true, force: true });
    mkdirSync(download, { recursive: true });
    const d = pin.debian;
    if (d.kind === "binary") {
      await this.log.step("apt-get", [...this.aptOptions(), "download", `${d.package}=${d.version}`], { cwd: download }).catch((error: Error) => {
        throw new CliError(`${d.package} ${d.version} could not be downloaded (is it still in the archive? \`apt-cache policy ${d.package}\`; a newer version needs a new pin in src/cli/build/sources.ts):\n${error.message}`, EXIT_FAILED);
      });
    } else {
      await this.log.step("apt-get", [...this.aptOptions(), "source", "--download-only", d.package], { cwd: download });
    }
    const got = join(download, d.file);
    if (!existsSync(got)) {
      throw new CliError(`apt-get gave ${readdirSync(download).join(", ") || "nothing"}, want ${d.file}: the archive's ${d.package} has moved to another upstream version; update the pin in src/cli/build/sources.ts`, EXIT_FAILED);
    }
    const partial = join(this.layout.sources, `${d.file}.partial`);
    renameSync(got, partial);
    rmSync(download, { recursive: true, force: true });
    return partial;
  }
}
