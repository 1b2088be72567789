// A real OpenID provider for psc-web's sign-in tests: oidc-provider (an OpenID Certified
// implementation, from npm) on 127.0.0.1 at a free port, with its own login pages, back-channel
// and RP-initiated logout, and keys that can be rotated.
//
// Usage: node tools/web/e2e/oidc_provider.mjs   prints "issuer http://127.0.0.1:PORT" once it
// listens; it serves the provider once configured. Test controls (loopback only):
//   POST /test/configure?web=URL&keyed=URL2   the client psc-web (its secret in
//                                  PSC_OIDC_SECRET) at URL, and psc-web-keyed (private_key_jwt,
//                                  its public JWK in the file PSC_OIDC_CLIENT_JWK) at URL2
//   POST /test/rotate              a new signing key first in the key set, the old one kept
//   POST /test/stop                the provider goes away (it exits)
// Accounts: any of `accounts` below signs in with any password.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const secret = process.env.PSC_OIDC_SECRET ?? 'psc-web-test-secret';
const accounts = {
  'wendy.lead@wessex.nhs.uk': { name: 'Wendy Lead', groups: [] },
  'rita.reader@nhs.net': { name: 'Rita Reader', groups: ['psc-readers'] },
  'stranger@example.org': { name: 'Sam Stranger', groups: ['somewhere-else'] },
};

function newKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };
}

const keys = [newKey()];
let provider;
let webUrl;
let keyedUrl;
const clientJwk = process.env.PSC_OIDC_CLIENT_JWK
  ? JSON.parse(readFileSync(process.env.PSC_OIDC_CLIENT_JWK, 'utf8')) : undefined;

// A client at `url`: its redirect, logout and back-channel URIs there.
function clientAt(url, fields) {
  return {
    redirect_uris: [`${url}/oidc/callback`],
    post_logout_redirect_uris: [`${url}/signed-out`],
    backchannel_logout_uri: `${url}/oidc/backchannel-logout`,
    backchannel_logout_session_required: true,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    ...fields,
  };
}

function configure() {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  provider = new Provider(issuer, {
    clients: [
      clientAt(webUrl, {
        client_id: 'psc-web', client_secret: secret, token_endpoint_auth_method: 'client_secret_basic',
      }),
      ...(keyedUrl && clientJwk ? [clientAt(keyedUrl, {
        client_id: 'psc-web-keyed',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS256',
        jwks: { keys: [clientJwk] },
      })] : []),
    ],
    jwks: { keys },
    cookies: { keys: ['oidc-provider-test-cookie-key'] },
    claims: {
      openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'],
    },
    // The user's claims in the ID token itself (psc-web reads no userinfo).
    conformIdTokenClaims: false,
    findAccount: async (ctx, id) => accounts[id] && {
      accountId: id,
      claims: async () => ({ sub: id, email: id, email_verified: true, ...accounts[id] }),
    },
    // A first-party client: no consent page, every scope granted.
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
    // Its back-channel logouts go to psc-web on loopback, which its guard against requests to
    // special-use addresses (SSRF) would stop: this provider serves tests on loopback only.
    fetch: (url, options) => {
      const { dispatcher, ...rest } = options;
      return fetch(url, rest);
    },
    features: {
      devInteractions: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
  });
  provider.on('server_error', (ctx, error) => console.error('provider error:', error));
  provider.on('backchannel.error', (client, error) => console.error('back-channel error:', error.message));
  provider.on('backchannel.success', () => console.log('back-channel logout delivered'));
}

const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (req.method === 'POST' && path === '/test/configure') {
    const params = new URL(req.url, 'http://x').searchParams;
    webUrl = params.get('web');
    keyedUrl = params.get('keyed');
    configure();
    res.end('configured\n');
  } else if (req.method === 'POST' && path === '/test/rotate') {
    keys.unshift(newKey());
    configure();
    res.end(`rotated to ${keys[0].kid}\n`);
  } else if (req.method === 'POST' && path === '/test/stop') {
    res.end('stopping\n', () => process.exit(0));
  } else if (!provider) {
    res.statusCode = 503;
    res.end('not configured yet\n');
  } else {
    provider.callback()(req, res);
  }
});
server.listen(0, '127.0.0.1', () => {
  console.log(`issuer http://127.0.0.1:${server.address().port}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
