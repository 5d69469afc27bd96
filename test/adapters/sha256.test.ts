import { describe, expect, it } from 'vitest'
import { sha256Hex } from '../../src/adapters/sha256'
import { sha256Hex as webCryptoSha256Hex } from '../../src/core/encoding'

describe('sha256Hex (node:crypto, synchronous)', () => {
  it('gives the published digest of "abc" (FIPS 180-2, appendix B.1)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })

  it('agrees with WebCrypto over UTF-8, so that hashes stored before still match', async () => {
    for (const text of ['', 'fl_0123456789abcdef', 'Résumé 2026 ✓ 🔑', 'x'.repeat(10_000)]) {
      expect(sha256Hex(text)).toBe(await webCryptoSha256Hex(text))
    }
  })
})
