import { afterEach, describe, expect, test } from 'vitest'
import { inProcessApp } from '../support/in-process-app'

// The page at / as the server renders it: what the link form offers follows
// the service's own limits, and everything the page loads is served here.

let fixture: Awaited<ReturnType<typeof inProcessApp>> | undefined

afterEach(() => fixture?.close())

async function home(env: Record<string, string> = {}) {
  fixture = await inProcessApp(env)
  const response = await fixture.app.request('http://fuselink.test/')
  expect(response.status).toBe(200)
  return { response, html: await response.text() }
}

const presets = (html: string) =>
  [...html.matchAll(/<input type="radio" name="expiry" id="expiry-(\w+)" value="\w+"( checked)?><label[^>]*>([^<]+)</g)].map(
    (m) => `${m[3]}${m[2] ? '*' : ''}`,
  )

describe('the app at /', () => {
  test('offers the lifetimes MAX_LINK_TTL allows, 7 days by default, and a custom one', async () => {
    expect(presets((await home()).html)).toEqual(['1 hour', '1 day', '7 days*', '30 days', 'Custom'])
    fixture!.close()
    expect(presets((await home({ MAX_LINK_TTL: '172800' })).html)).toEqual(['1 hour', '1 day*', 'Custom'])
    fixture!.close()
    expect(presets((await home({ MAX_LINK_TTL: '600' })).html)).toEqual(['Custom*'])
  })

  test('offers "Unlimited" only when links accept maxDownloads: null', async () => {
    const { html } = await home()
    const asAdmin = (path: string, body: unknown) =>
      fixture!.app.request(`http://fuselink.test${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${fixture!.adminKey}`, 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      })
    const file = await (
      await fixture!.app.request('http://fuselink.test/api/v1/files?name=a.txt', {
        method: 'POST',
        headers: { authorization: `Bearer ${fixture!.adminKey}`, 'content-type': 'text/plain' },
        body: 'a',
      })
    ).json()
    const unlimited = (await asAdmin('/api/v1/links', { fileId: file.id, expiresIn: 60, maxDownloads: null })).status === 201
    expect(html.includes('value="unlimited"')).toBe(unlimited)
    expect(html).toMatch(/name="downloads" id="downloads-1" value="1">.*name="downloads" id="downloads-3" value="3" checked>/s)
  })

  test('loads its script and stylesheet from /assets/ of this origin, under the CSP; says the upload limit', async () => {
    const { response, html } = await home({ MAX_UPLOAD_BYTES: '104857600' })
    const csp = response.headers.get('content-security-policy')!
    expect(csp).toContain("script-src 'self'")
    expect(html).not.toMatch(/<script>/)
    expect(html).not.toMatch(/\son[a-z]+=/i)
    expect(html).toContain('Up to 105 MB each.')
    expect(html).toContain('data-max-upload-bytes="104857600"')
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!)
    expect(assets).toHaveLength(2)
    for (const asset of assets) {
      const served = await fixture!.app.request(`http://fuselink.test${asset}`)
      expect(served.status).toBe(200)
      expect(served.headers.get('content-type')).toMatch(asset.endsWith('.js') ? /^text\/javascript/ : /^text\/css/)
      expect(served.headers.get('cache-control')).toContain('immutable')
    }
  })

  test('every id in the page is unique, and every input has a label', async () => {
    const { html } = await home()
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!)
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([])
    for (const [element, id] of html.matchAll(/<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"[^>]*>/g)) {
      // The file picker is opened by its "Choose files" button and by dropping files.
      if (/type="file"/.test(element)) continue
      expect(html, `a label for #${id}`).toMatch(new RegExp(`<label[^>]*for="${id}"`))
    }
  })
})
