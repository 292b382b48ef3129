// The full page's address parameters, and what it says about the ones it ignores. The page reads
// `?template=ID` (app.ts), `?project=ID` (share/url-state.ts), `?lan=NAME` (app.ts) and
// `?embed=1` (embed mode); the embed's own settings (readonly, boot, ...) mean nothing here. A
// parameter the page ignores is told once in the status line and stays listed behind a button
// in the toolbar, as the embed's settings panel lists them, so a mistyped link is noticed.
import { EMBED_PARAMETERS } from "../embed/config.ts";
import { openPanel } from "../share/panel.ts";
import { h } from "../ui/dom.ts";
import { ignoredParameters } from "../url-parameters.ts";

export const PAGE_PARAMETERS = ["template", "project", "lan", "embed"] as const;

const EMBED_ONLY: Record<string, string> = Object.fromEntries(
  EMBED_PARAMETERS.filter((name) => !(PAGE_PARAMETERS as readonly string[]).includes(name)).map((name) => [name, "applies to embedded playgrounds (embed.html, or this page with ?embed=1)"]),
);

/** One sentence per parameter of `url` the full page ignores. */
export function ignoredPageParameters(url: URL): string[] {
  return ignoredParameters(url.searchParams, { known: PAGE_PARAMETERS, elsewhere: EMBED_ONLY });
}

/** A button (only when something was ignored) that lists what the address asked for in vain. */
export function ignoredParametersButton(warnings: readonly string[]): HTMLElement | undefined {
  if (warnings.length === 0) return undefined;
  const what = `${warnings.length} address parameter${warnings.length === 1 ? " was" : "s were"} ignored`;
  return h(
    "button",
    { class: "button icon address-ignored", type: "button", "data-testid": "address-ignored", "aria-label": what, title: what, onclick: () => showIgnored(warnings) },
    "⚠",
    h("span", { class: "address-ignored-count", "aria-hidden": "true" }, String(warnings.length)),
  );
}

function showIgnored(warnings: readonly string[]): void {
  openPanel({
    title: "Ignored in the address",
    testId: "address-ignored-panel",
    body: [
      h("p", {}, `This page reads ${PAGE_PARAMETERS.map((name) => `?${name}=`).join(", ")}; the parameters below did nothing:`),
      h("ul", { class: "address-ignored-list", "data-testid": "address-warnings" }, ...warnings.map((warning) => h("li", {}, warning))),
    ],
  });
}
