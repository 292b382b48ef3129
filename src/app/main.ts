// Entry point of the playground page.
import "./styles.css";
import { startPlayground } from "./app.ts";

// Embed mode's inbox keeps the embedding page's first requests until the playground can answer
// them; it must listen before anything else loads (embed/inbox.ts). Optional, like the extensions.
import.meta.glob("./embed/inbox.ts", { eager: true });

startPlayground(document.getElementById("app")!).catch((error: unknown) => {
  // Startup failed before the status line existed: say so in the page itself.
  const message = error instanceof Error ? error.message : String(error);
  const app = document.getElementById("app")!;
  app.removeAttribute("aria-busy");
  app.textContent = `bootlab could not start: ${message}`;
  console.error(error);
});
