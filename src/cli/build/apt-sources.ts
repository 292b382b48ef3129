// The Debian route's apt configuration, derived at run time from the machine's own apt sources
// (never a hard-coded host): every enabled `deb` entry of /etc/apt/sources.list,
// sources.list.d/*.list and sources.list.d/*.sources (deb822) becomes a `deb` + `deb-src`
// stanza in a private sources file under bootlab's cache. apt-get then runs with options that
// point its sources, lists and caches there, so the system's configuration is never touched.

export interface AptSource {
  uris: string[];
  suites: string[];
  components: string[];
  /** Kept so apt verifies the same keys the system uses; absent means the default keyrings. */
  signedBy?: string;
}

/** Parses deb822 `.sources` text into the stanzas that are enabled and list `deb`. */
export function parseDeb822Sources(text: string): AptSource[] {
  const found: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let current: string | undefined;
    for (const line of stanza.split("\n")) {
      if (line.startsWith("#") || line.trim() === "") continue;
      if (/^\s/.test(line) && current) {
        // A continuation line (Signed-By may hold an inline key block): keep it.
        fields.set(current, `${fields.get(current)}\n${line}`);
        continue;
      }
      const colon = line.indexOf(":");
      if (colon < 0) continue;
      current = line.slice(0, colon).trim().toLowerCase();
      fields.set(current, line.slice(colon + 1).trim());
    }
    const types = words(fields.get("types"));
    if (!types.includes("deb")) continue;
    if ((fields.get("enabled") ?? "yes").toLowerCase() === "no") continue;
    const uris = words(fields.get("uris"));
    const suites = words(fields.get("suites"));
    if (uris.length === 0 || suites.length === 0) continue;
    const source: AptSource = { uris, suites, components: words(fields.get("components")) };
    const signedBy = fields.get("signed-by");
    if (signedBy) source.signedBy = signedBy;
    found.push(source);
  }
  return found;
}

/** Parses one-line-style `sources.list` text (`deb [options] URI SUITE COMPONENT...`). */
export function parseOneLineSources(text: string): AptSource[] {
  const found: AptSource[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    if (!line.startsWith("deb ") && !line.startsWith("deb\t")) continue;
    let rest = line.slice(3).trim();
    let signedBy: string | undefined;
    if (rest.startsWith("[")) {
      const end = rest.indexOf("]");
      if (end < 0) continue;
      const options = rest.slice(1, end).trim().split(/\s+/);
      for (const option of options) {
        const [key, value] = option.split("=", 2);
        if (key === "signed-by" && value) signedBy = value;
      }
      rest = rest.slice(end + 1).trim();
    }
    const [uri, suite, ...components] = rest.split(/\s+/);
    if (!uri || !suite) continue;
    const source: AptSource = { uris: [uri], suites: [suite], components };
    if (signedBy) source.signedBy = signedBy;
    found.push(source);
  }
  return found;
}

/** The private sources file: each source as deb822, for both binary and source packages. */
export function privateSourcesFile(sources: readonly AptSource[]): string {
  return sources
    .map((s) => {
      const lines = ["Types: deb deb-src", `URIs: ${s.uris.join(" ")}`, `Suites: ${s.suites.join(" ")}`];
      if (s.components.length) lines.push(`Components: ${s.components.join(" ")}`);
      if (s.signedBy) lines.push(`Signed-By: ${s.signedBy}`);
      return lines.join("\n") + "\n";
    })
    .join("\n");
}

function words(value: string | undefined): string[] {
  return value ? value.split(/\s+/).filter((w) => w !== "") : [];
}
