import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { currentApiDocument, GENERATED_CLIENT, renderClientTypes } from '../../scripts/build-client'

test('the typed client matches the API document the app serves (run `npm run client` after changing a route or schema)', async () => {
  expect(readFileSync(GENERATED_CLIENT, 'utf8')).toBe(renderClientTypes(await currentApiDocument()))
})
