// The layer rules of ARCHITECTURE.md, checked on the import statements themselves:
// src/core imports nothing but itself and fflate; workers import core (and v86, comlink, fflate, idb-keyval) but
// never app or cli; app never imports cli. The per-layer tsconfigs keep DOM and node:* types out of
// core; this test keeps the arrows of the diagram pointing down.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts)$/.test(name) && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** Every module specifier a file imports or re-exports, static or dynamic. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers: string[] = [];
  const patterns = [/\bfrom\s+["']([^"']+)["']/g, /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g, /^\s*import\s+["']([^"']+)["']/gm];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) specifiers.push(match[1]!);
  return specifiers;
}

function layerOf(path: string): string {
  const rel = relative(root, path);
  const [top, second] = rel.split("/");
  return top === "src" ? `src/${second}` : top!;
}

function violations(layer: string, allowedLayers: string[], allowedPackages: RegExp): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(join(root, layer))) {
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith(".")) {
        const target = layerOf(resolve(dirname(file), specifier));
        if (target !== layer && !allowedLayers.includes(target)) found.push(`${relative(root, file)} imports ${specifier} (${target})`);
      } else if (!allowedPackages.test(specifier)) {
        found.push(`${relative(root, file)} imports ${specifier}`);
      }
    }
  }
  return found;
}

test("src/core imports only itself and fflate", () => {
  assert.deepEqual(violations("src/core", [], /^fflate$/), []);
});

test("workers import only core, v86, comlink, fflate and idb-keyval (the kept warm snapshot)", () => {
  assert.deepEqual(violations("workers", ["src/core"], /^(v86|comlink|fflate|idb-keyval)(\/|$)/), []);
});

test("src/app never imports the CLI", () => {
  assert.deepEqual(violations("src/app", ["src/core", "workers"], /^(?!node:)/), []);
});

test("src/cli never imports the browser app", () => {
  assert.deepEqual(violations("src/cli", ["src/core", "workers"], /.*/), []);
});
