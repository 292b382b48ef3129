// A node:test reporter that prints one closing line, "tests: N passed, N failed, N skipped",
// so any CI reading plain summaries counts the same tests the spec reporter lists.
// Suites (describe blocks) are not counted as tests of their own.
export default async function* summaryReporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    if (event.data.details?.type === "suite") continue;
    if (event.data.skip || event.data.todo) skipped++;
    else if (event.type === "test:pass") passed++;
    else failed++;
  }
  yield `tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`;
}
