// Highlighting for the /etc files that are not shell scripts: inittab (id:runlevels:action:process
// with BusyBox's actions), fstab (blank-separated fields) and the colon tables passwd and group.
import type * as Monaco from "monaco-editor/editor/editor.api.js";
import { BUSYBOX_INIT_ACTIONS } from "../../core/lint/index.ts";

type MonacoApi = typeof Monaco;

export function registerConfigLanguages(monaco: MonacoApi): void {
  monaco.languages.register({ id: "inittab" });
  monaco.languages.setMonarchTokensProvider("inittab", {
    actions: [...BUSYBOX_INIT_ACTIONS],
    tokenizer: {
      root: [
        [/#.*$/, "comment"],
        // id : runlevels : action : process
        [/^([^:#]*)(:)([^:#]*)(:)([a-z]+)(:)/, ["type", "delimiter", "number", "delimiter", { cases: { "@actions": "keyword", "@default": "invalid" } }, "delimiter"]],
        [/-?\/[\w./-]+/, "string"],
        [/\s+/, "white"],
        [/./, "identifier"],
      ],
    },
  } as Monaco.languages.IMonarchLanguage);
  monaco.languages.setLanguageConfiguration("inittab", { comments: { lineComment: "#" } });

  monaco.languages.register({ id: "fstab" });
  monaco.languages.setMonarchTokensProvider("fstab", {
    tokenizer: {
      root: [
        [/^\s*#.*$/, "comment"],
        [/^(\s*)(\S+)/, ["white", { token: "type", next: "@mountPoint" }]],
      ],
      mountPoint: [
        [/\s+/, "white"],
        [/\S+/, { token: "string", next: "@fsType" }],
        [/$/, "", "@popall"],
      ],
      fsType: [
        [/\s+/, "white"],
        [/\S+/, { token: "keyword", next: "@options" }],
        [/$/, "", "@popall"],
      ],
      options: [
        [/\s+/, "white"],
        [/\d+/, "number"],
        [/[^\s,]+/, "attribute.name"],
        [/,/, "delimiter"],
        [/$/, "", "@popall"],
      ],
    },
  } as Monaco.languages.IMonarchLanguage);
  monaco.languages.setLanguageConfiguration("fstab", { comments: { lineComment: "#" } });

  monaco.languages.register({ id: "colon-table" });
  monaco.languages.setMonarchTokensProvider("colon-table", {
    tokenizer: {
      root: [
        [/^#.*$/, "comment"],
        [/^[^:]+/, "type"],
        [/:/, "delimiter"],
        [/\d+(?=:|$)/, "number"],
        [/\/[^:]*/, "string"],
        [/[^:]+/, "identifier"],
      ],
    },
  } as Monaco.languages.IMonarchLanguage);
}

/** The language of a file, by path and first line. */
export function languageFor(path: string, text: string | undefined): string {
  if (path === "/etc/inittab") return "inittab";
  if (path === "/etc/fstab") return "fstab";
  if (path === "/etc/passwd" || path === "/etc/group" || path === "/etc/shadow") return "colon-table";
  if (text?.startsWith("#!") && /\b(sh|ash|bash|hush)\b/.test(text.slice(0, text.indexOf("\n") >>> 0))) return "shell";
  if (path === "/init" || path.startsWith("/etc/init.d/") || path === "/etc/profile" || path.endsWith(".sh") || path.startsWith("/etc/profile.d/")) {
    return "shell";
  }
  return "plaintext";
}
