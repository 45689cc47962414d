// A real OpenID Provider for peertrack's single sign-on tests: the npm package oidc-provider (v9)
// on the loopback interface, with keys generated at start-up and one test client that must use PKCE.
//
//   node tests/oidc/provider.mjs --port 45123 --redirect-uri http://127.0.0.1:8081/sign-in/sso/callback/ \
//        --post-logout-redirect-uri http://127.0.0.1:8081/sign-in/
//
// Anyone may sign in at the built-in development login page with any password; the login name is
// the account's email. A name starting "unverified" gets email_verified: false. Besides the
// provider's own endpoints, /test/wrong-jwks serves a key set with the same key id but another key,
// for the bad-signature test. Prints "ready <issuer>" once listening.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'redirect-uri': { type: 'string' },
    'post-logout-redirect-uri': { type: 'string' },
    'client-id': { type: 'string', default: 'peertrack-test' },
    'client-secret': { type: 'string', default: 'peertrack-test-secret-not-for-production' },
  },
});
const port = Number(values.port);
const issuer = `http://127.0.0.1:${port}`;

function signingKey(kid) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}

const kid = `test-${randomBytes(4).toString('hex')}`;
const key = signingKey(kid);
// Same kid, different key: a token signed with `key` does not verify against it.
const { d, p, q, dp, dq, qi, ...wrongPublic } = signingKey(kid);

const provider = new Provider(issuer, {
  clients: [{
    client_id: values['client-id'],
    client_secret: values['client-secret'],
    redirect_uris: [values['redirect-uri']],
    post_logout_redirect_uris: [values['post-logout-redirect-uri']],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  jwks: { keys: [key] },
  pkce: { required: () => true },
  cookies: { keys: [randomBytes(16).toString('hex')] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  async findAccount(ctx, id) {
    // The email as typed at the login page, so peertrack's matching must ignore case.
    const email = String(id).trim();
    const local = email.split('@')[0].toLowerCase();
    return {
      accountId: id,
      async claims() {
        return {
          sub: email,
          email,
          email_verified: !local.startsWith('unverified'),
          name: local,
          given_name: local,
          family_name: 'Tester',
        };
      },
    };
  },
});
provider.on('server_error', (ctx, error) => { console.error('server_error', error); });

const handle = provider.callback();
const server = http.createServer((req, res) => {
  if (req.url === '/test/wrong-jwks') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [wrongPublic] }));
    return;
  }
  handle(req, res);
});
server.listen(port, '127.0.0.1', () => { console.log(`ready ${issuer}`); });
process.on('SIGTERM', () => server.close(() => process.exit(0)));
