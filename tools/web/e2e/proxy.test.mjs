// psc-web behind an authenticating proxy (--trusted-proxy 127.0.0.2): who a request is comes
// from the proxy's user header, and only from the proxy; the security headers, and the rate
// and size limits. Plain HTTP from chosen loopback source addresses, no browser.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';

const base = new URL(process.env.PSC_WEB_PROXIED_URL);
const kProxy = '127.0.0.2';

// One request to the proxied psc-web from `from`: {status, headers, body}.
function fetchFrom(from, path, { user, method = 'GET', body, cookie, extra = {} } = {}) {
  return new Promise((resolve, reject) => {
    const headers = { ...(user === undefined ? {} : { 'X-Forwarded-User': user }), ...extra };
    if (cookie !== undefined) headers.Cookie = cookie;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const req = request({
      host: base.hostname, port: base.port, path, method, headers, localAddress: from, agent: false,
    }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => { chunks.push(chunk); });
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, body: bytes.toString('utf8'), bytes });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

test('the proxy names the user, and psc-web acts as that user\'s principal', async () => {
  const page = await fetchFrom(kProxy, '/inbox', { user: 'lead-west-of-england' });
  assert.equal(page.status, 200);
  assert.match(page.body, /West of England lead \(Lead, West of England Patient Safety Collaborative\)/);
  const reader = await fetchFrom(kProxy, '/experts/noel-mockford', { user: 'reader' });
  assert.equal(reader.status, 200);
  assert.doesNotMatch(reader.body, /data-testid="contact"/);
});

test('a user header from anywhere but the proxy is ignored', async () => {
  const page = await fetchFrom('127.0.0.1', '/inbox', { user: 'admin' });
  assert.equal(page.status, 401);
  assert.match(page.body, /Sign in to use this service/);
  assert.equal((await fetchFrom(kProxy, '/inbox')).status, 401, 'nor does the proxy without one');
});

test('a user the users file does not know is refused, and there is no dev login', async () => {
  const page = await fetchFrom(kProxy, '/search', { user: 'stranger@nhs.net' });
  assert.equal(page.status, 403);
  assert.match(page.body, /You are signed in as stranger@nhs.net, but the registry has no account/);
  assert.equal((await fetchFrom(kProxy, '/login', { user: 'admin' })).status, 404);
});

test('every response carries the security headers, and the session cookie is HttpOnly and SameSite=Strict', async () => {
  for (const path of ['/search', '/static/psc-web.css', '/nope']) {
    const { headers } = await fetchFrom(kProxy, path, { user: 'reader' });
    assert.match(headers['content-security-policy'], /default-src 'none'; script-src 'self'/, path);
    assert.match(headers['content-security-policy'], /frame-ancestors 'none'/, path);
    assert.equal(headers['x-content-type-options'], 'nosniff', path);
    assert.equal(headers['x-frame-options'], 'DENY', path);
    assert.equal(headers['referrer-policy'], 'same-origin', path);
  }
  const { headers } = await fetchFrom(kProxy, '/search', { user: 'reader' });
  assert.match(headers['set-cookie'][0], /^psc_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
});

test('a body over the size limit is refused with 413', async () => {
  const page = await fetchFrom(kProxy, '/initiatives/new', {
    user: 'lead-wessex', method: 'POST', body: `title=${'x'.repeat(70 * 1024)}`,
  });
  assert.equal(page.status, 413);
  assert.match(page.body, /That was too much to send/);
});

test('a form of exactly 64 KiB comes back with its error and all of its text; one byte more is refused with 413', async () => {
  const user = 'lead-wessex';
  const blank = await fetchFrom(kProxy, '/initiatives/new', { user });
  const cookie = blank.headers['set-cookie'][0].split(';')[0];
  const csrf = blank.body.match(/name="csrf" value="([^"]+)"/)[1];
  const head = `csrf=${encodeURIComponent(csrf)}&workstream=LOCAL&title=`;
  const title = 'x'.repeat(64 * 1024 - head.length);
  const atLimit = await fetchFrom(kProxy, '/initiatives/new', {
    user, method: 'POST', body: head + title, cookie,
  });
  assert.equal(atLimit.status, 400);
  assert.match(atLimit.body, /There is a problem/);
  assert.match(atLimit.body, /id="title-error"/);
  assert.ok(atLimit.body.includes(`value="${title}"`), 'the whole title is back in its field');
  const over = await fetchFrom(kProxy, '/initiatives/new', {
    user, method: 'POST', body: `${head}${title}x`, cookie,
  });
  assert.equal(over.status, 413);
  assert.match(over.body, /A form can send at most 64 KB/);
});

test('stylesheets and scripts have hashed names, a year in the cache, a strong etag, and are sent gzip-compressed once', async () => {
  const user = 'admin';
  const page = await fetchFrom(kProxy, '/search', { user });
  const urls = [...page.body.matchAll(/(?:href|src)="(\/static\/v\/[^"]+)"/g)].map((m) => m[1]);
  assert.equal(urls.length, 3, 'two stylesheets and a script');
  for (const path of urls) {
    const plain = await fetchFrom(kProxy, path, { user });
    assert.equal(plain.status, 200, path);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(plain.headers.etag, /^"[0-9a-f]{12}"$/);
    assert.equal(plain.headers['content-encoding'], undefined);
    const zipped = await fetchFrom(kProxy, path, { user, extra: { 'Accept-Encoding': 'gzip, deflate, br' } });
    assert.equal(zipped.headers['content-encoding'], 'gzip', path);
    assert.ok(gunzipSync(zipped.bytes).equals(plain.bytes), `${path}: compressed once, not twice`);
    const again = await fetchFrom(kProxy, path, { user, extra: { 'If-None-Match': plain.headers.etag } });
    assert.equal(again.status, 304, path);
  }
  // Started with --no-nhs-fonts: the stylesheet asks for no font from assets.nhs.uk.
  const css = await fetchFrom(kProxy, urls.find((u) => u.includes('/nhsuk-frontend.')), { user });
  assert.ok(css.body.includes('.nhsuk-header'), 'the stylesheet itself is whole');
  assert.ok(!css.body.includes('@font-face') && !css.body.includes('assets.nhs.uk'));
  // init.js imports the frontend's script by its hashed name, so it too is cached safely.
  const init = await fetchFrom(kProxy, urls.find((u) => u.includes('/init.')), { user });
  assert.match(init.body, /from '\/static\/v\/nhsuk-frontend\.min\.[0-9a-f]{12}\.js'/);
  assert.equal((await fetchFrom(kProxy, '/static/v/nope.0123456789ab.css', { user })).status, 404);
});

test('one user\'s burst beyond the rate limit gets 429, and another user behind the same proxy is not held back', async () => {
  // This psc-web allows 1 request a second with bursts of 20 (--rate 1 --burst 20), so the
  // test does not depend on how fast the machine serves (under ASan it is slow).
  const statuses = await Promise.all(Array.from({ length: 60 }, () =>
    fetchFrom(kProxy, '/static/psc-web.css', { user: 'member-wessex' }).then((r) => r.status)));
  assert.ok(statuses.includes(429), 'some requests were limited');
  assert.ok(statuses.filter((s) => s === 200).length >= 20, 'the burst itself was served');
  assert.equal((await fetchFrom(kProxy, '/static/psc-web.css', { user: 'lead-oxford' })).status, 200);
});
