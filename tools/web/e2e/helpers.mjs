// What the browser tests share: one headless chromium, a browser context per user (each its
// own cookies), signing in on the --dev-login page, axe-core on a page, and screenshots.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const url = process.env.PSC_WEB_URL;
const shots = process.env.PSC_WEB_SHOTS;
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const users = {
  wessex: 'Wessex lead',
  westOfEngland: 'West of England lead',
  oxford: 'Oxford lead',
  reader: 'Reader',
  atlas: 'AHSN Atlas',
  admin: 'National team (admin)',
};

let browser;
export async function launch() {
  assert.ok(url, 'PSC_WEB_URL is not set: run the tests with tools/web/e2e/run');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
}
export async function close() {
  await browser?.close();
}

// Records on `page.violations` what must never happen on a page of psc-web: a script dialog
// (an injected script ran), any console error (a CSP violation, a script failing, a missing
// resource), a request that failed, or a sub-resource answered with an error. A page itself
// answered with an error (the 404 page a test asks for) is not a violation.
function watch(page) {
  page.violations = [];
  page.on('dialog', (dialog) => {
    page.violations.push(`a script dialog opened: ${dialog.message()}`);
    dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const { url: at } = message.location();
    const documentStatus = /^Failed to load resource: the server responded with a status of 4/
      .test(message.text()) && at === page.url();
    if (!documentStatus) page.violations.push(`console error: ${message.text()} (${at})`);
  });
  page.on('pageerror', (error) => page.violations.push(`script error: ${error.message}`));
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? '';
    // A load cut short because the page moved on (a navigation, the next test step) is not a
    // failure of the page.
    if (failure === 'net::ERR_ABORTED') return;
    page.violations.push(`request failed: ${request.url()} (${failure})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && response.request().resourceType() !== 'document') {
      page.violations.push(`${response.status()} for ${response.url()}`);
    }
  });
}

// A page signed in as `who` (a key of `users`) in a context of its own, watched (see watch).
export async function signIn(who, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  watch(page);
  await page.goto(`${url}/login`);
  await page.getByLabel(users[who], { exact: true }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/search/);
  return page;
}

export async function done(page) {
  assert.deepEqual(page.violations, [], 'no dialog, console error or failed request');
  await page.context().close();
}

// axe-core's serious and critical violations on the current page (evaluated through the
// DevTools protocol, which the page's CSP does not govern).
export async function axeViolations(page) {
  await page.evaluate(axeSource);
  const results = await page.evaluate(() =>
    globalThis.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export async function expectAccessible(page) {
  assert.deepEqual(await axeViolations(page), [], `axe on ${page.url()}`);
}

export async function shot(page, name) {
  if (shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}
