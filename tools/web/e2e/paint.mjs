// How soon pages are ready in a real browser: DOMContentLoaded of the search, expert finder,
// initiative and report pages in headless chromium, p50 of RUNS loads each, with a warm cache
// (the same browser context, as a returning user) and a cold one (a new context each load),
// each beside its floor measured in the same run: the 404 page, which has the same layout,
// stylesheets and script but asks pscd nothing. Run by tools/bench/paint.
import { chromium } from 'playwright-core';

const url = process.env.PSC_WEB_URL;
const runs = Number(process.env.RUNS || 20);
const pages = {
  'search': '/search?q=huddles',
  'expert finder': '/experts?skill=HUMAN_FACTORS&shareable_only=1',
  'initiative': '/initiatives/news2-community-wessex',
  'report': '/report',
  'floor (404 page)': '/nope',
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'],
});

async function signedIn() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${url}/login`);
  await page.getByLabel('National team (admin)', { exact: true }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/search/);
  return { context, page };
}

async function domContentLoaded(page, path) {
  await page.goto(`${url}${path}`, { waitUntil: 'domcontentloaded' });
  return page.evaluate(() => {
    const [nav] = performance.getEntriesByType('navigation');
    return nav.domContentLoadedEventEnd - nav.startTime;
  });
}

const p50 = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = {};
const warm = await signedIn();
for (const [name, path] of Object.entries(pages)) {
  await domContentLoaded(warm.page, path);  // fills the cache
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await domContentLoaded(warm.page, path));
  results[name] = { warm: p50(times) };
}
await warm.context.close();
const coldRuns = Math.max(3, Math.floor(runs / 4));
for (const [name, path] of Object.entries(pages)) {
  const times = [];
  for (let i = 0; i < coldRuns; i++) {
    const cold = await signedIn();
    // Signing in loaded the layout's files: start from an empty cache for the page measured.
    const cdp = await cold.context.newCDPSession(cold.page);
    await cdp.send('Network.clearBrowserCache');
    times.push(await domContentLoaded(cold.page, path));
    await cold.context.close();
  }
  results[name].cold = p50(times);
}
await browser.close();

const floor = results['floor (404 page)'];
const ms = (v) => `${v.toFixed(0)} ms`;
console.log(`page                 warm p50 (x floor)      cold p50 (x floor)     [${runs} warm, ${coldRuns} cold loads]`);
for (const [name, r] of Object.entries(results)) {
  console.log(`${name.padEnd(20)} ${`${ms(r.warm)} (${(r.warm / floor.warm).toFixed(2)}x)`.padEnd(23)} ${ms(r.cold)} (${(r.cold / floor.cold).toFixed(2)}x)`);
}
