import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { withSyncCrypto } from '../../src/adapters/token-signer'
import { FuselinkError } from '../../src/core/errors'
import { type KeyRing, type ServiceClaims, signServiceToken, verifyLinkToken, verifyServiceToken } from '../../src/core/token'
import { claims, tokenTable } from '../core/token-vectors'

/** What a verifier makes of a token: its claims, or the error's code and status. */
async function outcome(verify: () => Promise<unknown>): Promise<unknown> {
  try {
    return { claims: await verify() }
  } catch (error) {
    if (!(error instanceof FuselinkError)) throw error
    return { code: error.code, status: error.status }
  }
}

/** The Node entry's ring, with a count of the synchronous signature checks it made. */
function counted(ring: KeyRing): { ring: KeyRing; checks: () => number } {
  let checks = 0
  const sync = withSyncCrypto(ring)
  const verify = new Map(
    [...sync.verify].map(([kid, key]) => {
      const check = key.verifySignature!
      const verifySignature = (input: Uint8Array, signature: Uint8Array) => {
        checks++
        return check(input, signature)
      }
      return [kid, { ...key, verifySignature }]
    }),
  )
  return { ring: { ...sync, verify }, checks: () => checks }
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

describe.each(['EdDSA', 'ES256', 'HS256'] as const)('%s: node:crypto and jose verify alike', async (alg) => {
  const table = await tokenTable(alg)
  const sync = counted(table.ring)

  test('the ring the Node entry builds has a synchronous check on every key, and leaves jose’s ring as it was', () => {
    expect([...sync.ring.verify.values()].every((key) => typeof key.verifySignature === 'function')).toBe(true)
    expect(sync.ring.signing.sign).toBeTypeOf('function')
    expect([...table.ring.verify.values()].some((key) => key.verifySignature)).toBe(false)
  })

  test.each(table.refused)('both refuse: %s', async (_name, token) => {
    const refused = { code: 'invalid_token', status: 403 }
    expect(await outcome(() => verifyLinkToken(table.ring, token))).toEqual(refused)
    expect(await outcome(() => verifyLinkToken(sync.ring, token))).toEqual(refused)
  })

  test.each(table.accepted)('both accept: %s', async (_name, token, expected) => {
    const before = sync.checks()
    expect(await verifyLinkToken(table.ring, token)).toEqual(expected)
    expect(await verifyLinkToken(sync.ring, token)).toEqual(expected)
    // The synchronous check decided, not jose.
    expect(sync.checks()).toBe(before + 1)
  })

  test('service tokens (a session) verify alike, and neither takes one for another kind', async () => {
    const session: ServiceClaims = { jti: 'session-1', sub: 'user_1', iat: claims.iat, exp: claims.exp }
    const token = await signServiceToken(table.ring, 'session', session)
    for (const ring of [table.ring, sync.ring]) {
      expect(await verifyServiceToken(ring, 'session', token)).toEqual(session)
      expect(await outcome(() => verifyServiceToken(ring, 'invite', token))).toEqual({ code: 'invalid_token', status: 403 })
    }
  })

  test('every change to a valid token gets the same answer from both', async () => {
    const valid = [table.token, ...table.accepted.map(([, token]) => token)]
    const edit = fc.record({
      token: fc.constantFrom(...valid),
      at: fc.nat(),
      kind: fc.constantFrom('replace', 'insert', 'delete', 'truncate'),
      character: fc.constantFrom(...BASE64URL, '.', '='),
    })
    await fc.assert(
      fc.asyncProperty(edit, async ({ token, at, kind, character }) => {
        const i = at % token.length
        const changed =
          kind === 'replace'
            ? `${token.slice(0, i)}${character}${token.slice(i + 1)}`
            : kind === 'insert'
              ? `${token.slice(0, i)}${character}${token.slice(i)}`
              : kind === 'delete'
                ? `${token.slice(0, i)}${token.slice(i + 1)}`
                : token.slice(0, i)
        const jose = await outcome(() => verifyLinkToken(table.ring, changed))
        expect(await outcome(() => verifyLinkToken(sync.ring, changed))).toEqual(jose)
      }),
      { numRuns: 2000 },
    )
  })
})
