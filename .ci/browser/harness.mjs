// What the browser tests share: their command line, a free port, Debian's Chromium started
// headless as these machines need it, and named scenarios that report and keep going.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';

// `--name value` pairs; `--binary` is required. Exits 0 with a message without Chromium.
export function commandLine() {
  const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
  if (!existsSync(CHROMIUM)) {
    console.log(`skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`);
    process.exit(0);
  }
  assert.ok(args.binary, '--binary is required');
  return args;
}

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});

export const launchChromium = () => chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});

let failed = false;
export const anyFailed = () => failed;

// Runs one scenario: prints ok or FAIL with its time, and lets the next one run either way.
export async function scenario(name, run) {
  const started = Date.now();
  try {
    await run();
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed = true;
    console.log(`FAIL ${name}: ${e.stack || e}`);
  }
}
