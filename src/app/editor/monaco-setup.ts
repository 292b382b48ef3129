// Monaco, configured for this page. Loaded with import() only after the first boot has started,
// so the editor (the largest piece of the page) never delays it.
//
// Only the editor core, the contributions a text editor needs and the shell grammar are bundled:
// no TypeScript, CSS, HTML or JSON language services and no worker but the editor worker.
import * as monaco from "monaco-editor/editor/editor.api.js";
import EditorWorker from "monaco-editor/editor/editor.worker.js?worker";
import "monaco-editor/features/codicon/register.js";
import "monaco-editor/features/find/register.js";
import "monaco-editor/features/bracketMatching/register.js";
import "monaco-editor/features/clipboard/register.js";
import "monaco-editor/features/comment/register.js";
import "monaco-editor/features/contextmenu/register.js";
import "monaco-editor/features/cursorUndo/register.js";
import "monaco-editor/features/folding/register.js";
import "monaco-editor/features/gotoError/register.js";
import "monaco-editor/features/hover/register.js";
import "monaco-editor/features/indentation/register.js";
import "monaco-editor/features/linesOperations/register.js";
import "monaco-editor/features/multicursor/register.js";
import "monaco-editor/features/wordHighlighter/register.js";
import "monaco-editor/features/wordOperations/register.js";
import "monaco-editor/features/unusualLineTerminators/register.js";
import "monaco-editor/languages/definitions/shell/register.js";
import { registerConfigLanguages } from "./languages.ts";

globalThis.MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};

registerConfigLanguages(monaco);

export { monaco };
