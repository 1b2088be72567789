// psc-web signing people in through a real OpenID provider (oidc-provider, started by
// tools/web/e2e/run with psc-web's client registered): the provider's own login pages, the
// round trip, groups, each refusal with what the person sees, key rotation, RP-initiated and
// back-channel logout, and the provider going away.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { axeViolations } from './helpers.mjs';

const web = process.env.PSC_WEB_OIDC_URL;
const issuer = process.env.PSC_OIDC_ISSUER;
const logFile = process.env.PSC_WEB_OIDC_LOG;

let browser;
before(async () => {
  assert.ok(web && issuer, 'run the tests with tools/web/e2e/run');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'],
  });
});
after(async () => { await browser?.close(); });

// Records on `page.violations` what must never happen on psc-web's pages (the provider's own
// pages are not ours to judge): a console error (a CSP violation, a script failing) or a
// failed request. A page itself answered with an error (403, 503) is not a violation.
function watchWeb(page) {
  page.violations = [];
  const ours = (at) => at.startsWith(web) || at.startsWith(process.env.PSC_WEB_OIDC_KEYED_URL);
  page.on('console', (message) => {
    const { url: at } = message.location();
    const documentStatus = /^Failed to load resource: the server responded with a status of [45]/
      .test(message.text()) && at === page.url();
    if (message.type() === 'error' && ours(at) && !documentStatus) {
      page.violations.push(`console error: ${message.text()} (${at})`);
    }
  });
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? '';
    if (ours(request.url()) && failure !== 'net::ERR_ABORTED') {
      page.violations.push(`request failed: ${request.url()} (${failure})`);
    }
  });
}

// Each new page of sign-in: no serious axe violation, and no sideways scroll at 375 px.
async function expectSound(page) {
  assert.deepEqual(await axeViolations(page), [], `axe on ${page.url()}`);
  await page.setViewportSize({ width: 375, height: 800 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 375, `${page.url()} is ${wide} px wide at 375`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function closeWatched(page) {
  assert.deepEqual(page.violations, [], 'no console error or failed request on psc-web');
  await page.context().close();
}

// A new browser (its own cookies) on `path` of psc-web, which sends it to the provider's login.
async function atProviderLogin(path = '/search') {
  const context = await browser.newContext();
  const page = await context.newPage();
  watchWeb(page);
  await page.goto(`${web}${path}`);
  assert.ok(page.url().startsWith(`${issuer}/interaction/`), `at the provider: ${page.url()}`);
  return page;
}

// Signs in on the provider's login page as `login` (any password), waiting for `path`.
async function providerLogin(page, login, landing = /\/search/) {
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', 'any password');
  await page.click('button[type=submit]');
  await page.waitForURL(landing);
}

function post(url) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end();
  });
}

function get(url, cookie) {
  return new Promise((resolve, reject) => {
    request(url, { headers: cookie ? { Cookie: cookie } : {} }, (res) => {
      let body = '';
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject).end();
  });
}

const log = () => readFileSync(logFile, 'utf8');

test('a Wessex lead signs in through the provider, lands on search with their name and PSC, and signs out of both', async () => {
  const page = await atProviderLogin('/');
  const began = performance.now();
  await providerLogin(page, 'wendy.lead@wessex.nhs.uk');
  const roundTrip = performance.now() - began;
  console.log(`sign-in round trip (provider login submitted to search shown): ${roundTrip.toFixed(0)} ms`);
  assert.match(await page.getByTestId('viewer').innerText(), /Wendy Lead \(Lead, Wessex/);
  await page.goto(`${web}/inbox`);
  assert.equal(new URL(page.url()).pathname, '/inbox', 'the session holds across pages');

  await page.getByRole('button', { name: 'Sign out' }).click();
  // RP-initiated logout: the provider asks, then comes back to psc-web's signed-out page.
  await page.waitForURL(new RegExp(`^${issuer}/session/end`));
  await page.click('button[autofocus], button[name=logout][value=yes]');
  await page.waitForURL(/\/signed-out$/);
  assert.match(await page.locator('h1').innerText(), /You have signed out/);
  await expectSound(page);  // the signed-out page
  await page.goto(`${web}/search`);
  assert.ok(page.url().startsWith(`${issuer}/interaction/`), 'signed out of psc-web and the provider');
  await closeWatched(page);
  assert.match(log(), /sign-in user=wendy\.lead@wessex\.nhs\.uk outcome=ok reason="as spiffe:\/\/psc-registry\/collaboratives\/wessex\/people\/lead"/);
  assert.match(log(), /sign-out user=wendy\.lead@wessex\.nhs\.uk outcome=ok/);
});

test('a psc-web that proves itself with its own key (private_key_jwt) signs people in too', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${process.env.PSC_WEB_OIDC_KEYED_URL}/search`);
  assert.ok(page.url().startsWith(`${issuer}/interaction/`), `at the provider: ${page.url()}`);
  await providerLogin(page, 'wendy.lead@wessex.nhs.uk');
  assert.match(await page.getByTestId('viewer').innerText(), /Wendy Lead \(Lead, Wessex/);
  await context.close();
});

test('a member of a provider group acts as the group\'s principal', async () => {
  const page = await atProviderLogin();
  await providerLogin(page, 'rita.reader@nhs.net');
  assert.match(await page.getByTestId('viewer').innerText(), /Rita Reader \(Reader\)/);
  await closeWatched(page);
});

test('someone the provider knows but the registry does not sees whom to ask, and nothing else', async () => {
  const page = await atProviderLogin();
  await page.fill('input[name=login]', 'stranger@example.org');
  await page.fill('input[name=password]', 'x');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/oidc/callback')),
    page.click('button[type=submit]'),
  ]);
  assert.equal(response.status(), 403);
  assert.match(await page.locator('h1').innerText(), /You do not have access to the PSC Registry/);
  assert.equal(await page.getByTestId('signed-in-as').innerText(), 'stranger@example.org');
  assert.match(await page.locator('main').innerText(), /Ask your patient safety lead or the national PSC team/);
  assert.equal(await page.getByTestId('viewer').count(), 0, 'not signed in');
  await expectSound(page);
  await closeWatched(page);
  assert.match(log(), /sign-in user=stranger@example\.org outcome=refused reason="no registry user or group"/);
});

test('a callback with another state is refused, and so is a replayed code', async () => {
  // The state: a sign-in begun, then a callback that is not its own.
  const page = await atProviderLogin();
  const wrong = await page.goto(`${web}/oidc/callback?code=abc&state=not-this-one`);
  assert.equal(wrong.status(), 400);
  assert.match(await page.locator('h1').innerText(), /You are not signed in/);
  await expectSound(page);
  assert.match(log(), /outcome=refused reason="sign-in refused: the state is not this browser's sign-in"/);

  // A code used once, then again with a copy of the flow's cookie: the provider refuses it.
  await page.goto(`${web}/login`);
  let callback;
  page.on('request', async (r) => {
    if (r.url().includes('/oidc/callback')) callback = { url: r.url(), cookie: await r.headerValue('cookie') };
  });
  await providerLogin(page, 'wendy.lead@wessex.nhs.uk');
  assert.ok(callback?.cookie?.includes('psc_oidc='), 'the flow cookie went to the callback');
  const replayed = await get(callback.url, callback.cookie);
  assert.equal(replayed.status, 400);
  assert.match(replayed.body, /did not confirm who you are/);
  assert.doesNotMatch(replayed.body, /psc_session/);
  assert.match(log(), /reason="sign-in refused: the token endpoint refused the code \(HTTP 400, invalid_grant\)"/);
  // In the browser that signed in, the flow is used up.
  const again = await page.goto(callback.url);
  assert.equal(again.status(), 400);
  assert.match(await page.locator('h1').innerText(), /This sign-in has expired/);
  await closeWatched(page);
});

test('after the provider rotates its key, a token signed with the new key is accepted', async () => {
  assert.equal(await post(`${issuer}/test/rotate`), 200);
  const page = await atProviderLogin();
  await providerLogin(page, 'wendy.lead@wessex.nhs.uk');
  assert.match(await page.getByTestId('viewer').innerText(), /Wendy Lead/);
  await closeWatched(page);
});

test('a back-channel logout from the provider ends the session on its next request', async () => {
  const page = await atProviderLogin();
  await providerLogin(page, 'wendy.lead@wessex.nhs.uk');
  // Signed out at the provider itself (another application's sign-out, say).
  await page.goto(`${issuer}/session/end`);
  await page.click('button[autofocus], button[name=logout][value=yes]');
  await page.waitForLoadState();
  assert.match(log(), /back-channel-logout user=wendy\.lead@wessex\.nhs\.uk outcome=ok reason="one session"/);
  await page.goto(`${web}/search`);
  assert.ok(page.url().startsWith(`${issuer}/interaction/`), `signed out: ${page.url()}`);
  await closeWatched(page);
});

test('a logout token that is not the provider\'s is refused', async () => {
  const forged = await new Promise((resolve, reject) => {
    // alg "none", with something in the signature's place so that it is a JWS in form.
    const body = 'logout_token=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ3ZW5keSJ9.c2ln';
    const req = request(`${web}/oidc/backchannel-logout`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': body.length },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', reject);
    req.end(body);
  });
  assert.equal(forged, 400);
  assert.match(log(), /back-channel-logout user=- outcome=refused reason="the token is refused: alg none is not allowed"/);
});

test('with the provider gone, signing in says so clearly, and a signed-in session goes on', async () => {
  const signedIn = await atProviderLogin();
  await providerLogin(signedIn, 'wendy.lead@wessex.nhs.uk');
  assert.equal(await post(`${issuer}/test/stop`), 200);

  const context = await browser.newContext();
  const page = await context.newPage();
  watchWeb(page);
  const response = await page.goto(`${web}/search`);
  assert.equal(response.status(), 503);
  assert.match(await page.locator('h1').innerText(), /Sign-in is not available just now/);
  assert.match(await page.locator('main').innerText(), /If you were signed in already, you still are/);
  await expectSound(page);
  await closeWatched(page);

  await signedIn.goto(`${web}/inbox`);
  assert.equal(new URL(signedIn.url()).pathname, '/inbox');
  assert.match(await signedIn.getByTestId('viewer').innerText(), /Wendy Lead/);
  await closeWatched(signedIn);
});

test('the log names every sign-in, refusal and sign-out, and never a token or code', () => {
  const text = log();
  assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{8,}/, 'no JWT');
  assert.doesNotMatch(text, /code=[A-Za-z0-9_-]{10,}/, 'no authorization code');
  assert.match(text, /outcome=provider-unavailable/);
});
