import { FuselinkClient } from 'fuselink/client'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type Gateway, startGateway } from '../gateway/gateway'
import { runCli } from '../support/cli'
import { scratchDir } from '../support/scratch'
import type { ServiceTarget, TargetKind } from '../support/target'

/**
 * Rotating the token signing key end to end, as docs/integrations.md
 * ("Rotating the signing key") tells an operator: `fuselink keygen`, a
 * restart with the new key and the old public key, then, once the old links
 * have expired, a restart without the old key. A gateway that checks tokens
 * offline follows along through the JWKS.
 */
export function defineRotationSuite(kind: TargetKind) {
  let target: ServiceTarget
  let fuselink: FuselinkClient
  let gateway: Gateway

  const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid as string
  const published = async () => (await fuselink.publicKeys()).keys.map((key) => key.kid).sort()
  const allowed = async (token: string) => (await (await fetch(`${gateway.url}/check/${token}`)).json()).allow as boolean
  const share = (text: string) => fuselink.share(new TextEncoder().encode(text), { name: `${text}.txt`, expiresIn: '7d', maxDownloads: 5 })
  const problemOf = async (url: string) => {
    const response = await fetch(url)
    return { status: response.status, code: (await response.json()).code }
  }

  beforeAll(async () => {
    target = await kind.start()
    fuselink = new FuselinkClient({ url: target.baseUrl, key: target.adminKey })
    // Keys are trusted for half a second and fetched again at once for an
    // unknown kid, so that the test need not wait for real-world caching.
    gateway = await startGateway({ fuselinkUrl: target.baseUrl, cacheMaxAge: 500, cooldownDuration: 0 })
  })
  afterAll(async () => {
    await gateway?.close()
    await target?.stop()
  })

  it('rotates to a key from `fuselink keygen`: new links carry its kid, old ones work until the old key is dropped', async () => {
    const before = await share('before')
    const oldKid = kidOf(before.link.token)
    expect(await published()).toEqual([oldKid])
    expect(await allowed(before.link.token)).toBe(true)

    const keygen = await runCli(['keygen', '--json', '--url', target.baseUrl], { env: { HOME: scratchDir('rotation-home') } })
    expect(keygen.code, keygen.stderr).toBe(0)
    const made = JSON.parse(keygen.stdout)
    expect(made.verifyKeys.keys.map((key: { kid: string }) => key.kid)).toEqual([oldKid])
    expect(made.kid).not.toBe(oldKid)

    // The switch: the new private key signs, the old public key still verifies.
    await target.restart({ TOKEN_SIGNING_KEY: JSON.stringify(made.signingKey), TOKEN_VERIFY_KEYS: JSON.stringify(made.verifyKeys) })
    const after = await share('after')
    expect(kidOf(after.link.token)).toBe(made.kid)
    expect(await published()).toEqual([oldKid, made.kid].sort())
    expect(await (await fetch(before.link.downloadUrl)).text()).toBe('before')
    expect(await (await fetch(after.link.downloadUrl)).text()).toBe('after')
    // A link read again is signed again, with the new key: its new URL outlives the old key.
    const reread = await fuselink.links.get(before.link.id)
    expect(kidOf(reread.token)).toBe(made.kid)
    expect(reread.token).not.toBe(before.link.token)
    // The gateway meets an unknown kid, fetches the keys again, and knows both.
    expect(await allowed(after.link.token)).toBe(true)
    expect(await allowed(before.link.token)).toBe(true)

    // Once the old links have expired, the old key goes.
    await target.restart({ TOKEN_VERIFY_KEYS: '' })
    expect(await published()).toEqual([made.kid])
    expect(await problemOf(before.link.downloadUrl)).toEqual({ status: 403, code: 'invalid_token' })
    expect(await problemOf(before.link.url)).toEqual({ status: 403, code: 'invalid_token' })
    expect(await (await fetch(reread.downloadUrl)).text()).toBe('before')
    expect(await (await fetch(after.link.downloadUrl)).text()).toBe('after')
    expect(await fuselink.links.get(before.link.id)).toMatchObject({ status: 'active', downloads: 2 })
    // The gateway drops the old key when its cached set expires.
    await new Promise((resolve) => setTimeout(resolve, 600))
    expect(await allowed(before.link.token)).toBe(false)
    expect(await allowed(reread.token)).toBe(true)
  })
}
