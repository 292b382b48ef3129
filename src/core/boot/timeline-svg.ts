// The boot timeline as an SVG picture: one row per stage, the current boot's bar on top and the
// previous boot's drawn faintly beneath it, one time axis. Pure string building (no DOM), so the
// page inserts it and `bootlab boot --timeline-svg F` writes the same bytes; the same input gives
// the same output. Each bar is a <g> with role="img", an aria-label and a <title> (its text
// equivalent), and data-stage / data-line attributes for a front end to wire clicks to the console.
import { formatDuration, timelineSeconds, TIMELINE_STAGE_ORDER, type BootTimeline, type TimelineBar } from "./timeline.ts";

export interface TimelineSvgOptions {
  /** Pixels. Default 640. */
  width?: number;
  /** "auto" follows prefers-color-scheme; default "auto". */
  theme?: "auto" | "light" | "dark";
  /** The axis' end in ms. Default: the longer timeline's end. */
  scaleMs?: number;
  /** Prefix of the element ids, unique per picture on one page. Default "bootlab-timeline". */
  idPrefix?: string;
  /** The picture's title. Default "Boot timeline". */
  title?: string;
}

interface Palette {
  background: string;
  text: string;
  muted: string;
  grid: string;
  bar: string;
  previous: string;
  point: string;
  panic: string;
}

const LIGHT: Palette = { background: "#ffffff", text: "#1f2328", muted: "#57606a", grid: "#d0d7de", bar: "#0969da", previous: "#8c959f", point: "#8250df", panic: "#cf222e" };
const DARK: Palette = { background: "#0d1117", text: "#e6edf3", muted: "#8d96a0", grid: "#30363d", bar: "#4493f8", previous: "#6e7681", point: "#ab7df8", panic: "#f85149" };

const LABEL_WIDTH = 128;
const TIME_WIDTH = 124;
const ROW = 26;
const TOP = 10;
const AXIS = 26;
/** A warm boot's picture has one more line under the axis, saying what the hatching means. */
const WARM_LEGEND = 16;

export function timelineSvg(current: BootTimeline, previous?: BootTimeline, options: TimelineSvgOptions = {}): string {
  const width = Math.max(LABEL_WIDTH + TIME_WIDTH + 100, Math.round(options.width ?? 640));
  const id = (options.idPrefix ?? "bootlab-timeline").replace(/[^\w-]/g, "-");
  const title = options.title ?? "Boot timeline";
  const plotWidth = width - LABEL_WIDTH - TIME_WIDTH;
  // About 5 ticks, fewer on a narrow picture (a phone), where their labels would run together.
  const ticks = Math.max(1, Math.min(5, Math.floor(plotWidth / 60)));
  const scale = niceScale(options.scaleMs ?? Math.max(current.totalMs, previous?.totalMs ?? 0, 1), ticks);
  const x = (ms: number) => LABEL_WIDTH + (Math.min(ms, scale.end) / scale.end) * plotWidth;

  const rows = TIMELINE_STAGE_ORDER.filter((stage) => current.bars.some((b) => b.id === stage) || previous?.bars.some((b) => b.id === stage));
  const height = TOP + Math.max(1, rows.length) * ROW + AXIS + (current.warm ? WARM_LEGEND : 0);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" id="${id}" class="bootlab-timeline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="figure" aria-labelledby="${id}-title ${id}-desc">`);
  out.push(`<title id="${id}-title">${escapeXml(title)}</title>`);
  const warm = current.warm ? ["A warm boot: the kernel's part was restored from a snapshot taken as it ran the init; the init's part ran now."] : [];
  const summary = [clockSentence(current), ...warm, ...current.bars.map((b) => b.text), ...(previous ? ["Previous boot:", ...previous.bars.map((b) => b.text)] : [])].join(" ");
  out.push(`<desc id="${id}-desc">${escapeXml(summary)}</desc>`);
  out.push(`<style>${style(id, options.theme ?? "auto")}</style>`);
  out.push(`<rect class="bg" x="0" y="0" width="${width}" height="${height}"/>`);
  if (current.warm) {
    // Restored bars are hatched in the bar colour: the same stages, not run this time.
    out.push(`<defs><pattern id="${id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="hatch-bg" width="6" height="6"/><rect class="hatch" width="3" height="6"/></pattern></defs>`);
  }

  // The axis: grid lines and labels at a round step.
  const axisY = TOP + rows.length * ROW;
  out.push(`<g class="axis" aria-hidden="true">`);
  for (let i = 0; i * scale.step <= scale.end * (1 + 1e-9); i++) {
    const tick = i * scale.step;
    const tx = num(x(tick));
    out.push(`<line class="grid" x1="${tx}" y1="${TOP}" x2="${tx}" y2="${axisY}"/>`);
    out.push(`<text class="muted" x="${tx}" y="${axisY + 16}" text-anchor="middle">${escapeXml(tickLabel(tick, scale.step))}</text>`);
  }
  out.push(`<text class="muted" x="${width - 4}" y="${axisY + 16}" text-anchor="end">${current.clock === "printk" ? "guest time" : "host time"}</text>`);
  // Short enough to end before the first tick's label, which is centred under the label column's edge.
  if (previous) out.push(`<text class="muted" x="4" y="${axisY + 16}">faint: previous</text>`);
  if (current.warm) out.push(`<text class="muted" x="4" y="${axisY + 16 + WARM_LEGEND}">hatched: restored from the warm snapshot (the kernel's part of this boot was not run again)</text>`);
  out.push(`</g>`);

  rows.forEach((stage, row) => {
    const y = TOP + row * ROW;
    const now = current.bars.find((b) => b.id === stage);
    const before = previous?.bars.find((b) => b.id === stage);
    const label = (now ?? before)!.label;
    out.push(`<g class="stage stage-${stage}" data-stage="${stage}"${now ? ` data-line="${now.lineIndex}"` : ""}>`);
    out.push(`<text class="label" x="${LABEL_WIDTH - 8}" y="${y + 14}" text-anchor="end" aria-hidden="true">${escapeXml(label)}</text>`);
    if (before) out.push(barShape(before, "previous", y + 16, 6, x, `Previous boot: ${before.text}`));
    if (now) out.push(barShape(now, `${stage === "panic" ? "panic" : now.point ? "point" : "bar"}${now.restored ? " restored" : ""}`, y + 4, 11, x, now.text));
    else out.push(`<text class="muted" x="${LABEL_WIDTH + 4}" y="${y + 13}">not reached</text>`);
    const times = now ? (now.point ? timelineSeconds(now.startMs) : `${timelineSeconds(now.startMs)} +${formatDuration(now.endMs - now.startMs)}`) : "";
    out.push(`<text class="time" x="${LABEL_WIDTH + plotWidth + 8}" y="${y + 14}" aria-hidden="true">${escapeXml(times)}</text>`);
    out.push(`</g>`);
  });
  out.push(`</svg>`);
  return `${out.join("\n")}\n`;
}

function barShape(bar: TimelineBar, kind: string, y: number, h: number, x: (ms: number) => number, text: string): string {
  const x1 = x(bar.startMs);
  const w = Math.max(2, x(bar.endMs) - x1);
  const label = escapeXml(text);
  return `<g class="${kind}" role="img" aria-label="${label}"><title>${label}</title><rect x="${num(x1)}" y="${y}" width="${num(w)}" height="${h}" rx="1.5"/></g>`;
}

function clockSentence(t: BootTimeline): string {
  const prompt = t.promptMs !== undefined ? ` The system was up ${timelineSeconds(t.promptMs)} after the kernel started.` : "";
  return `Times in seconds since the kernel started, ${t.clock === "printk" ? "from the kernel's time stamps" : "in host time"}.${prompt}`;
}

function style(id: string, theme: "auto" | "light" | "dark"): string {
  const rules = (p: Palette) =>
    `#${id} .bg{fill:${p.background}}#${id} text{fill:${p.text};font:12px system-ui,sans-serif}#${id} .muted,#${id} .time{fill:${p.muted}}#${id} .grid{stroke:${p.grid};stroke-width:1}#${id} .bar rect{fill:${p.bar}}#${id} .point rect{fill:${p.point}}#${id} .panic rect{fill:${p.panic}}#${id} .previous rect{fill:${p.previous};opacity:.45}#${id} .restored rect{fill:url(#${id}-hatch)}#${id} .hatch{fill:${p.bar}}#${id} .hatch-bg{fill:${p.background}}`;
  if (theme === "light") return rules(LIGHT);
  if (theme === "dark") return rules(DARK);
  return `${rules(LIGHT)}@media (prefers-color-scheme: dark){${rules(DARK)}}`;
}

/** An axis end at a round number of steps, 1-2-5 steps, about `ticks` of them. */
function niceScale(maxMs: number, ticks: number): { end: number; step: number } {
  const raw = maxMs / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  return { end: Math.ceil(maxMs / step - 1e-9) * step, step };
}

function tickLabel(ms: number, stepMs: number): string {
  const decimals = Math.max(0, Math.ceil(-Math.log10(stepMs / 1000) - 1e-9));
  return `${(ms / 1000).toFixed(decimals)} s`;
}

/** Two decimals at most, no trailing zeros: stable text for the same numbers. */
function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}

function escapeXml(text: string): string {
  // Control characters (a console line's escape sequences) are not allowed in XML at all.
  return text.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}
