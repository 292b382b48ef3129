// Preloaded into a `bootlab` child (node --import) by the memory test and the memory bench: at
// exit, writes the process's peak resident set size in KiB (getrusage's ru_maxrss) to the file
// named by BOOTLAB_PEAK_RSS_FILE. Only this process is counted, not the children it waited for
// (QEMU), which /usr/bin/time's figure includes.
import { writeFileSync } from "node:fs";

const file = process.env.BOOTLAB_PEAK_RSS_FILE;
if (file) process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
