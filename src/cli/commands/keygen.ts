import { FuselinkClient, type Jwks } from '../../client'
import { type Command, expectArguments } from '../command'

/** The steps of a rotation, for the key just made (docs/integrations.md, "Rotating the signing key"). */
function steps(kid: string, jwksUrl: string, haveJwks: boolean): string[] {
  const verifyKeys = haveJwks ? 'the TOKEN_VERIFY_KEYS value above' : `the JWKS at ${jwksUrl} (curl -s ${jwksUrl})`
  return [
    'Rotate on Node:',
    `  1. Set TOKEN_SIGNING_KEY to the private key above and TOKEN_VERIFY_KEYS to ${verifyKeys}`,
    '     where the service reads its environment (a systemd unit, .env, the shell), and restart it:',
    "       TOKEN_SIGNING_KEY='<key>' TOKEN_VERIFY_KEYS='<jwks>' npm start",
    '     A service that generated its own key (DATA_DIR/signing-key.json) leaves that file unused from now on.',
    'Rotate on Workers (each `secret put` deploys at once, so the old key goes in first):',
    `  1. npx wrangler secret put TOKEN_VERIFY_KEYS     (paste ${verifyKeys})`,
    '  2. npx wrangler secret put TOKEN_SIGNING_KEY     (paste the private key above)',
    'Then, on both:',
    `  - New links carry kid "${kid}"; GET ${jwksUrl} lists both keys, for gateways that check tokens offline.`,
    '  - Links issued before keep working with the old key until they expire.',
    '  - Once the longest of them has expired (at most MAX_LINK_TTL + RESUME_GRACE after the switch: 30 days and',
    '    1 hour by default), drop the old key: unset TOKEN_VERIFY_KEYS (Node: restart; Workers:',
    '    npx wrangler secret delete TOKEN_VERIFY_KEYS). Tokens signed with it then answer 403 invalid_token.',
    '  - An HS256 secret is not in the JWKS: to keep accepting its links, add it to TOKEN_VERIFY_KEYS as',
    '    {"kty":"oct","kid":"<the kid in its tokens\' header>","k":"<the secret, base64url>"}.',
  ]
}

export const keygen: Command = {
  name: 'keygen',
  summary: 'make a new token signing key, with the steps to rotate to it',
  usage: '[--p256] [--url URL]',
  help: [
    '--p256         a P-256 (ES256) key instead of Ed25519 (EdDSA)',
    '--url URL      the service whose keys in use go into TOKEN_VERIFY_KEYS (read from its JWKS; no key needed)',
  ],
  options: { p256: { type: 'boolean' } },
  async run(context, values, positionals) {
    expectArguments(positionals, { min: 0, max: 0 }, '')
    const { url } = context.server()
    const jwksUrl = `${url}/.well-known/jwks.json`
    let current: Jwks | null = null
    try {
      current = await new FuselinkClient({ url }).publicKeys()
    } catch (error) {
      context.out.note(`could not read the keys in use from ${jwksUrl} (${(error as Error).message}); fetch them before restarting`)
    }
    const inUse = new Set((current?.keys ?? []).map((key) => key.kid))
    // Loaded here: jose takes a while to load, and only this command needs it.
    const { generateSigningJwk } = await import('../../core/token/keys')
    let jwk = await generateSigningJwk(values.p256 ? 'ES256' : 'EdDSA')
    // Kids are short (they ride in every link): draw again on the rare clash.
    while (inUse.has(jwk.kid!)) jwk = await generateSigningJwk(values.p256 ? 'ES256' : 'EdDSA')
    const { d: _private, ...publicJwk } = jwk
    const verifyKeys = current && current.keys.length > 0 ? current : null
    context.out.result(
      { kid: jwk.kid, alg: jwk.alg, signingKey: jwk, publicJwk: { ...publicJwk, use: 'sig' }, verifyKeys, jwksUrl },
      () => [
        `New ${jwk.alg} signing key, kid "${jwk.kid}".`,
        '',
        'TOKEN_SIGNING_KEY (private: a secret, like a password):',
        JSON.stringify(jwk),
        '',
        verifyKeys
          ? `TOKEN_VERIFY_KEYS (the public keys in use now, from ${jwksUrl}):`
          : current
            ? `TOKEN_VERIFY_KEYS: ${jwksUrl} publishes no key, so the service signs with an HS256 secret (see the last step).`
            : `TOKEN_VERIFY_KEYS: the keys in use could not be read from ${jwksUrl}; fetch them there.`,
        ...(verifyKeys ? [JSON.stringify(verifyKeys)] : []),
        '',
        ...steps(jwk.kid!, jwksUrl, verifyKeys !== null),
      ],
    )
  },
}
