import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { GENERATED_MODULE, renderAssets } from '../../scripts/build-assets'
import { ASSETS } from '../../src/http/assets/bundle.generated'

describe('browser code bundle', () => {
  test('the generated module matches src/web/ (run `npm run assets` after changing browser code)', async () => {
    expect(readFileSync(GENERATED_MODULE, 'utf8')).toBe(await renderAssets())
  })

  test('every asset is named by a hash of its content and carries its integrity value', async () => {
    const { createHash } = await import('node:crypto')
    for (const [name, asset] of Object.entries(ASSETS)) {
      const digest = createHash('sha256').update(asset.body).digest()
      expect(asset.integrity).toBe(`sha256-${digest.toString('base64')}`)
      const extension = name.slice(name.lastIndexOf('.'))
      expect(asset.file).toBe(name.replace(extension, `.${digest.toString('hex').slice(0, 10)}${extension}`))
    }
  })
})
