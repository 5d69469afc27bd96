/**
 * One download token's signature check, jose (WebCrypto) against node:crypto
 * on the calling thread (src/adapters/token-signer.ts), in one process:
 * alternating rounds of each, 64 checks in flight as a busy server has them,
 * CPU per check from process.cpuUsage() (every thread of the process, the
 * thread pool WebCrypto hands its work to included). Medians.
 *
 *   npx tsx bench/token-verify.ts [--rounds=7] [--checks=20000]
 */
import { withSyncCrypto } from '../src/adapters/token-signer'
import { buildKeyRing, generateSigningJwk, type KeyRing, signLinkToken, verifyLinkToken } from '../src/core/token'
import { flag, median } from './lib/figures'

const ROUNDS = Number(flag('rounds') ?? 7)
const CHECKS = Number(flag('checks') ?? 20_000)
const IN_FLIGHT = 64

/** CPU µs per check and checks per second of wall time, `CHECKS` tokens (all different) verified `IN_FLIGHT` at a time. */
async function round(ring: KeyRing, tokens: string[]): Promise<{ cpu: number; perSecond: number }> {
  const cpu0 = process.cpuUsage()
  const started = performance.now()
  let next = 0
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < tokens.length) await verifyLinkToken(ring, tokens[next++]!)
    }),
  )
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpu0)
  return { cpu: (cpu.user + cpu.system) / tokens.length, perSecond: tokens.length / seconds }
}

async function main(): Promise<void> {
  const keys: [string, string][] = [
    ['EdDSA', JSON.stringify(await generateSigningJwk('EdDSA'))],
    ['ES256', JSON.stringify(await generateSigningJwk('ES256'))],
    ['HS256', 'a-secret-of-at-least-thirty-two-bytes-for-the-bench'],
  ]
  console.log(`one link token verified, ${IN_FLIGHT} in flight, ${ROUNDS} rounds of ${CHECKS} (alternating); medians`)
  console.log('| key | jose µs CPU | node:crypto µs CPU | jose checks/s | node:crypto checks/s |')
  console.log('|---|---|---|---|---|')
  for (const [alg, key] of keys) {
    const jose = await buildKeyRing(key, null)
    const sync = withSyncCrypto(jose)
    const tokens = await Promise.all(
      Array.from({ length: CHECKS }, (_, i) =>
        signLinkToken(jose, { jti: `link-${i}`, fid: 'file-1', max: 5, iat: 1_800_000_000, exp: 1_800_086_400 }),
      ),
    )
    await round(jose, tokens.slice(0, 2000))
    await round(sync, tokens.slice(0, 2000))
    const results = { jose: [] as { cpu: number; perSecond: number }[], sync: [] as { cpu: number; perSecond: number }[] }
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? (['jose', 'sync'] as const) : (['sync', 'jose'] as const)
      for (const which of order) results[which].push(await round(which === 'jose' ? jose : sync, tokens))
    }
    const cell = (which: 'jose' | 'sync', field: 'cpu' | 'perSecond') =>
      median(results[which].map((s) => s[field])).toFixed(field === 'cpu' ? 1 : 0)
    console.log(
      `| ${alg} | ${cell('jose', 'cpu')} | ${cell('sync', 'cpu')} | ${cell('jose', 'perSecond')} | ${cell('sync', 'perSecond')} |`,
    )
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
