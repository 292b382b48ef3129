// What the full page and the embed say about address parameters they ignore.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ignoredPageParameters } from "../../src/app/page/address.ts";
import { parseEmbedConfig } from "../../src/app/embed/config.ts";
import { nearestKnown } from "../../src/app/url-parameters.ts";

test("the full page names what it ignores: typos with the name meant, the embed's settings as such", () => {
  const warnings = ignoredPageParameters(new URL("https://x.example/?templat=minimal-init&readOnly=1&theme=dark&lesson=1&lan=a&lan=b"));
  assert.deepEqual(warnings, [
    'unknown parameter "templat" ignored (did you mean "template"? known: template, project, lan, embed)',
    'parameter "readOnly" ignored: "readonly" applies to embedded playgrounds (embed.html, or this page with ?embed=1)',
    'parameter "theme" ignored: "theme" applies to embedded playgrounds (embed.html, or this page with ?embed=1)',
    'unknown parameter "lesson" ignored (known: template, project, lan, embed)',
    'parameter "lan" given 2 times; the last one counts',
  ]);
  assert.deepEqual(ignoredPageParameters(new URL("https://x.example/?template=a&project=b&lan=c#share/1/x")), []);
});

test("the embed names what it ignores, the full page's ?project= as such, and keeps repeated origins", () => {
  const { warnings } = parseEmbedConfig("https://x.example/embed.html?read-only=1&project=p&origin=https://a.example&origin=https://b.example");
  assert.deepEqual(warnings, [
    'unknown parameter "read-only" ignored (did you mean "readonly"? known: embed, template, cmdline, readonly, boot, theme, origin, lan)',
    'parameter "project" ignored: "project" opens a saved project of the full page; an embed opens its lesson',
  ]);
});

test("a near miss is a change of case or dashes, or one or two letters in a longer name; short keys are not guessed", () => {
  const known = ["template", "project", "lan", "embed"];
  assert.equal(nearestKnown("TEMPLATE", known), "template");
  assert.equal(nearestKnown("templte", known), "template");
  assert.equal(nearestKnown("tmplte", known), "template");
  assert.equal(nearestKnown("projekt", known), "project");
  assert.equal(nearestKnown("embd", known), "embed");
  assert.equal(nearestKnown("la", known), undefined);
  assert.equal(nearestKnown("xyz", known), undefined);
  assert.equal(nearestKnown("lesson", known), undefined);
});
