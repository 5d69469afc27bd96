import { FuselinkClient } from 'fuselink/client'
import { generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServiceTarget, TargetKind } from '../support/target'
import { type Decision, type Gateway, startGateway } from './gateway'

/**
 * Offline verification, the API-gateway case: a separate service checks
 * fuselink's download tokens with nothing but GET /.well-known/jwks.json
 * (test/gateway/gateway.ts), and asks fuselink (HEAD /d/<token>) for what
 * only fuselink knows. docs/integrations.md, "Checking tokens offline".
 */
export function defineGatewaySuite(kind: TargetKind) {
  let target: ServiceTarget
  let fuselink: FuselinkClient
  let gateway: Gateway

  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString())
  const check = async (token: string, live = false): Promise<Decision & { httpStatus: number }> => {
    const response = await fetch(`${gateway.url}/check/${encodeURIComponent(token)}${live ? '?live=1' : ''}`)
    return { ...(await response.json()), httpStatus: response.status }
  }
  const share = async (text: string, link: { expiresIn?: number | string; maxDownloads?: number; notBefore?: string } = {}) =>
    fuselink.share(new TextEncoder().encode(text), { name: `${text}.txt`, expiresIn: 3600, ...link })

  beforeAll(async () => {
    target = await kind.start({ env: { RATE_LIMIT: '0' } })
    fuselink = new FuselinkClient({ url: target.baseUrl, key: target.adminKey })
    gateway = await startGateway({ fuselinkUrl: target.baseUrl })
  })
  afterAll(async () => {
    await gateway?.close()
    await target?.stop()
  })

  it('allows a genuine token with nothing but the JWKS, and says which link and file it is for', async () => {
    const { file, link } = await share('genuine', { maxDownloads: 4 })
    const first = await check(link.token)
    expect(first).toEqual({
      httpStatus: 200,
      allow: true,
      linkId: link.id,
      fileId: file.id,
      maxDownloads: 4,
      expiresAt: link.expiresAt,
      kid: decode(link.token.split('.')[0]!).kid,
    })
    const other = await share('another')
    expect((await check(other.link.token)).allow).toBe(true)
    // The keys are fetched once and kept: fuselink is not asked per token.
    expect(gateway.jwksFetches()).toBe(1)
    expect((await fuselink.links.get(link.id)).downloads).toBe(0)
  })

  it('denies tampered, unsigned, foreign, expired, oversized and garbage tokens', async () => {
    const { link } = await share('forged')
    const [header, payload, signature] = link.token.split('.') as [string, string, string]
    const claims = decode(payload)
    const foreign = await generateKeyPair('EdDSA', { extractable: true })
    const signed = (kid: string) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'fuselink+jwt', kid }).sign(foreign.privateKey)
    const cases: [string, string][] = [
      [`${header}.${b64({ ...claims, max: 1000 })}.${signature}`, 'bad_signature'],
      [`${b64({ alg: 'none', typ: 'fuselink+jwt' })}.${payload}.`, 'algorithm_not_allowed'],
      [await signed(decode(header).kid), 'bad_signature'],
      [await signed('zzzz'), 'unknown_key'],
      ['garbage', 'malformed'],
      [`${link.token}${'A'.repeat(1100)}`, 'oversized'],
    ]
    for (const [token, reason] of cases) expect(await check(token), reason).toEqual({ httpStatus: 403, allow: false, reason })

    const short = await share('short', { expiresIn: 1 })
    await new Promise((resolve) => setTimeout(resolve, Date.parse(short.link.expiresAt) - Date.now() + 1100))
    expect(await check(short.link.token)).toEqual({ httpStatus: 403, allow: false, reason: 'expired' })
  })

  it('cannot know revocation, counts or notBefore offline; HEAD /d/<token> tells, consuming nothing', async () => {
    const revoked = await share('revoked', { maxDownloads: 2 })
    await fuselink.links.revoke(revoked.link.id)
    const used = await share('used')
    expect(await (await fetch(used.link.downloadUrl)).text()).toBe('used')
    const later = await share('later', { notBefore: new Date(Date.now() + 3600_000).toISOString(), expiresIn: '2h' })
    const active = await share('active', { maxDownloads: 2 })

    for (const { link } of [revoked, used, later, active]) expect((await check(link.token)).allow).toBe(true)
    expect(await check(revoked.link.token, true)).toEqual({ httpStatus: 403, allow: false, reason: 'link_state', status: 410 })
    expect(await check(used.link.token, true)).toEqual({ httpStatus: 403, allow: false, reason: 'link_state', status: 410 })
    expect(await check(later.link.token, true)).toEqual({ httpStatus: 403, allow: false, reason: 'link_state', status: 403 })
    for (let i = 0; i < 3; i++) expect((await check(active.link.token, true)).allow).toBe(true)
    expect(await fuselink.links.get(active.link.id)).toMatchObject({ downloads: 0, remaining: 2 })
  })

  describe('a service signing with an HS256 secret', () => {
    let secretTarget: ServiceTarget
    let secretGateway: Gateway
    beforeAll(async () => {
      secretTarget = await kind.start({ env: { TOKEN_SIGNING_KEY: 'an HS256 secret of more than thirty-two bytes' } })
      secretGateway = await startGateway({ fuselinkUrl: secretTarget.baseUrl })
    })
    afterAll(async () => {
      await secretGateway?.close()
      await secretTarget?.stop()
    })

    it('publishes no key, so nothing can be checked offline', async () => {
      const client = new FuselinkClient({ url: secretTarget.baseUrl, key: secretTarget.adminKey })
      expect(await client.publicKeys()).toEqual({ keys: [] })
      const { link } = await client.share('secret', { name: 'secret.txt', expiresIn: 3600 })
      expect(decode(link.token.split('.')[0]!).alg).toBe('HS256')
      const response = await fetch(`${secretGateway.url}/check/${link.token}`)
      expect(response.status).toBe(403)
      expect(await response.json()).toEqual({ allow: false, reason: 'algorithm_not_allowed' })
    })
  })
}
