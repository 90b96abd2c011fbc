// A node:test reporter that writes each top-level test's file, name, outcome and duration as
// JSON, for `npm run test:slowest`: where the suite's time goes, measured by the run itself.
export default async function* durations(source) {
  const tests = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { nesting, file, name, details } = event.data;
    if (nesting !== 0 || details.type === 'suite' || event.data.skip) continue;
    tests.push({ file, name, ms: Math.round(details.duration_ms), passed: event.type === 'test:pass' });
  }
  yield `${JSON.stringify(tests, null, 1)}\n`;
}
