// psc-web behind an authenticating proxy (--trusted-proxy 127.0.0.2): who a request is comes
// from the proxy's user header, and only from the proxy; the security headers, and the rate
// and size limits. Plain HTTP from chosen loopback source addresses, no browser.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';

const base = new URL(process.env.PSC_WEB_PROXIED_URL);
const kProxy = '127.0.0.2';

// One request to the proxied psc-web from `from`: {status, headers, body}.
function fetchFrom(from, path, { user, method = 'GET', body } = {}) {
  return new Promise((resolve, reject) => {
    const headers = user === undefined ? {} : { 'X-Forwarded-User': user };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const req = request({
      host: base.hostname, port: base.port, path, method, headers, localAddress: from, agent: false,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

test('the proxy names the user, and psc-web acts as that user\'s principal', async () => {
  const page = await fetchFrom(kProxy, '/inbox', { user: 'lead-west-of-england' });
  assert.equal(page.status, 200);
  assert.match(page.body, /West of England lead \(Lead, West of England\)/);
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

test('one user\'s burst beyond the rate limit gets 429, and another user behind the same proxy is not held back', async () => {
  // This psc-web allows 1 request a second with bursts of 20 (--rate 1 --burst 20), so the
  // test does not depend on how fast the machine serves (under ASan it is slow).
  const statuses = await Promise.all(Array.from({ length: 60 }, () =>
    fetchFrom(kProxy, '/static/psc-web.css', { user: 'member-wessex' }).then((r) => r.status)));
  assert.ok(statuses.includes(429), 'some requests were limited');
  assert.ok(statuses.filter((s) => s === 200).length >= 20, 'the burst itself was served');
  assert.equal((await fetchFrom(kProxy, '/static/psc-web.css', { user: 'lead-oxford' })).status, 200);
});
