// The timeline data, its text chart and its SVG picture, on recorded boots of every template.
import { test } from "node:test";
import assert from "node:assert/strict";
import { besideText, BootTranscript, bootTimeline, timelineSvg, timelineText, type BootTimeline } from "../../src/core/boot/index.ts";
import { EMULATORS, replayTranscript, TEMPLATE_IDS } from "./transcript-fixtures.ts";

const READY: Record<string, string> = { "static-hello": "Hello" };

function timelineOf(name: string): BootTimeline {
  const template = name.split(".")[0]!;
  return bootTimeline(replayTranscript(name), READY[template] ? { readyPattern: READY[template] } : {});
}

for (const template of TEMPLATE_IDS) {
  for (const emulator of EMULATORS) {
    const name = `${template}.${emulator}`;
    test(`timeline of ${name}: the stages from the kernel to init and the system being up, in order`, () => {
      const timeline = timelineOf(name);
      const ids = timeline.bars.map((b) => b.id);
      for (const id of ["kernel", "initramfs", "init", "userspace"] as const) assert.ok(ids.includes(id), `${name}: ${id} in ${ids.join(", ")}`);
      const bar = (id: string) => timeline.bars.find((b) => b.id === id)!;
      // Guest time from the stamps: the kernel starts at 0 and ends where init starts.
      assert.equal(bar("kernel").startMs, 0);
      assert.equal(bar("kernel").source, "printk");
      assert.equal(bar("kernel").endMs, bar("init").startMs);
      assert.ok(bar("initramfs").startMs > 0 && bar("initramfs").endMs > bar("initramfs").startMs && bar("initramfs").endMs <= bar("init").startMs, `${name}: the unpack lies inside the kernel's part`);
      assert.equal(bar("userspace").startMs, bar("init").startMs);
      assert.ok(timeline.promptMs !== undefined && timeline.promptMs >= bar("init").startMs, `${name}: up after init started`);
      for (const b of timeline.bars) {
        assert.ok(b.endMs >= b.startMs);
        assert.match(b.text, /^[\w /,-]+: (?:at )?\d+\.\d{3} s/, `${name}: ${b.id} has a text equivalent`);
      }
      assert.equal(timeline.clock, "printk");
    });
  }
}

test("the shell's prompt is placed after the last kernel stamp by the host time since it, and the lines are named", () => {
  const timeline = timelineOf("busybox-init.v86");
  const prompt = timeline.bars.find((b) => b.id === "prompt")!;
  const init = timeline.bars.find((b) => b.id === "init")!;
  assert.equal(prompt.source, "host");
  // "Run /init" at 1.225492 s; the prompt 2 lines later, after "Welcome to BusyBox Linux" (1 ms a
  // line in the replay); the next stamp, "reboot: Power down" at 1.553785 s, 3 lines later.
  assert.equal(init.startMs, 1225.492);
  assert.equal(prompt.startMs, Math.round((1225.492 + (2 / 3) * (1553.785 - 1225.492)) * 1000) / 1000);
  assert.equal(init.line, "Run /init as init process");
  assert.equal(timeline.bars.find((b) => b.id === "power-off")!.startMs, 1553.785);
  assert.equal(timeline.bars.find((b) => b.id === "initramfs")!.text, "initramfs unpack: 0.379 s to 1.206 s, 827 ms (the kernel's time stamps); the kernel unpacks the initramfs archive into its root file system.");
});

test("tiny-system: /sbin/init is named, and BusyBox's Please press Enter ends the user-space bar", () => {
  const timeline = timelineOf("tiny-system.v86");
  assert.equal(timeline.bars.find((b) => b.id === "init")!.label, "Run /sbin/init");
  const userspace = timeline.bars.find((b) => b.id === "userspace")!;
  assert.ok(timeline.promptMs !== undefined);
  assert.ok(userspace.endMs >= userspace.startMs);
});

test("without printk stamps the axis is host time since the kernel's first line", () => {
  const t = new BootTranscript();
  t.push("SeaBIOS\n", 0);
  t.push("Linux version 6.1.0 (x)\n", 500);
  t.push("Unpacking initramfs...\n", 600);
  t.push("Freeing initrd memory: 992K\n", 800);
  t.push("Run /init as init process\n", 900);
  t.push("echo hi\n", 1000);
  t.push("/ # ", 2900);
  const timeline = bootTimeline(t);
  assert.equal(timeline.clock, "host");
  assert.deepEqual(
    timeline.bars.map((b) => [b.id, b.startMs, b.endMs, b.source]),
    [
      ["kernel", 0, 400, "host"],
      ["initramfs", 100, 300, "host"],
      ["init", 400, 400, "host"],
      ["userspace", 400, 2400, "host"],
      ["prompt", 2400, 2400, "host"],
    ],
  );
  assert.equal(timeline.promptMs, 2400);
});

test("after the last stamp, a line is placed at its guest time plus the host time since it", () => {
  const t = new BootTranscript();
  t.push("[    0.000000] Linux version 6.1.0 (x)\n", 0);
  t.push("[    0.300000] Run /init as init process\n", 100);
  t.push("/ # ", 1600);
  assert.equal(bootTimeline(t).bars.find((b) => b.id === "prompt")!.startMs, 1800);
});

test("a boot that panics has a panic bar and a kernel bar up to it", () => {
  const t = new BootTranscript();
  t.push("[    0.000000] Linux version 6.1.0 (x)\n[    0.500000] Kernel panic - not syncing: No working init found.\n", 0);
  const timeline = bootTimeline(t);
  assert.deepEqual(timeline.bars.map((b) => [b.id, b.startMs, b.endMs]), [["kernel", 0, 500], ["panic", 500, 500]]);
});

test("the text chart: a line per stage, bars of █ within the width, the previous boot's beneath in ░", () => {
  const current = timelineOf("busybox-init.v86");
  const previous = timelineOf("busybox-init.qemu");
  const text = timelineText(current, previous, { width: 72, title: "v86" });
  const lines = text.split("\n");
  assert.equal(lines[0], "v86");
  for (const line of lines) assert.ok([...line].length <= 72, `too wide: ${line}`);
  const kernel = lines.find((l) => l.startsWith("kernel"))!;
  assert.match(kernel, /│█+ *│ 0\.000 s \+1225 ms$/);
  const unpack = lines.findIndex((l) => l.startsWith("initramfs unpack"));
  assert.match(lines[unpack + 1]!, /^ {2}previous +│ *░+ *│ 0\.168 s \+68 ms$/);
  // The longer boot fills the axis: its power-off sits in the last column.
  assert.match(lines.find((l) => l.startsWith("power-off"))!, /█│ 1\.554 s$/);
  assert.equal(timelineText(current, previous, { width: 72, title: "v86" }), text, "deterministic");
  // At the narrowest (half of an 80-column terminal and more), the axis' ends stay apart.
  assert.match(timelineText(current, undefined, { width: 40 }).split("\n")[0]!, /^ +0 s +1\.554 s  guest time$/);
});

test("two charts side by side keep their columns", () => {
  assert.equal(besideText("ab\nc", "x\ny\nz", 2), "ab  x\nc   y\n    z");
});

test("the SVG: a bar per stage with its text equivalent, the previous boot faint beneath, same bytes for the same input", () => {
  const current = timelineOf("busybox-init.v86");
  const previous = timelineOf("busybox-init.qemu");
  const svg = timelineSvg(current, previous, { width: 600 });
  assert.equal(svg, timelineSvg(current, previous, { width: 600 }));
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" id="bootlab-timeline"[^>]* width="600"[^>]* role="figure"/);
  for (const bar of current.bars) {
    assert.ok(svg.includes(`data-stage="${bar.id}" data-line="${bar.lineIndex}"`), `${bar.id} has its group`);
    assert.ok(svg.includes(`aria-label="${bar.text.replace(/'/g, "&apos;")}"><title>${bar.text.replace(/'/g, "&apos;")}</title>`), `${bar.id} has its text equivalent`);
  }
  assert.equal(svg.match(/<g class="previous"/g)?.length, previous.bars.length);
  assert.match(svg, /@media \(prefers-color-scheme: dark\)\{#bootlab-timeline \.bg\{fill:#0d1117\}/);
  const dark = timelineSvg(current, undefined, { theme: "dark", idPrefix: "t2" });
  assert.ok(!dark.includes("prefers-color-scheme") && dark.includes("#t2 .bg{fill:#0d1117}") && !dark.includes('class="previous"'));
  // Well formed enough for an XML reader: no control characters, every <g> closed.
  assert.ok(!/[\x00-\x08\x0b\x0c\x0e-\x1f]/.test(svg));
  assert.equal(svg.match(/<g[ >]/g)?.length, svg.match(/<\/g>/g)?.length);
});

test("the SVG's axis has fewer ticks on a narrow picture, so their labels do not run together", () => {
  const current = timelineOf("busybox-init.v86");
  const ticks = (width: number) => [...timelineSvg(current, undefined, { width }).matchAll(/<line class="grid" x1="([\d.]+)"/g)].map((m) => Number(m[1]));
  for (const width of [390, 640, 1200]) {
    const xs = ticks(width);
    assert.ok(xs.length >= 2, `${width}: ${xs.join(", ")}`);
    for (let i = 1; i < xs.length; i++) assert.ok(xs[i]! - xs[i - 1]! >= 40, `${width}: ticks ${xs.join(", ")} closer than a label`);
  }
});

test("a warm boot's timeline marks the kernel's part as restored, in the data, the text and the picture", () => {
  const transcript = replayTranscript("busybox-init.v86");
  const warm = bootTimeline(transcript, { restored: true });
  const cold = bootTimeline(transcript);
  assert.equal(warm.warm, true);
  assert.equal(cold.warm, undefined);
  for (const b of warm.bars) {
    const restored = ["kernel", "initramfs", "root", "init"].includes(b.id);
    assert.equal(b.restored === true, restored, `${b.id}`);
    if (restored) assert.match(b.text, /restored from the warm snapshot, not run again\.$/);
  }
  const svg = timelineSvg(warm, undefined, { idPrefix: "t" });
  assert.match(svg, /<pattern id="t-hatch"/);
  assert.match(svg, /class="bar restored"/);
  assert.match(svg, /hatched: restored from the warm snapshot/);
  const coldSvg = timelineSvg(cold, undefined, { idPrefix: "t" });
  assert.doesNotMatch(coldSvg, /<pattern|class="[^"]*restored|hatched/);
});
