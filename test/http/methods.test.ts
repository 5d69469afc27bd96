import { afterAll, beforeAll, expect, test } from 'vitest'
import { inProcessApp } from '../support/in-process-app'

// 405 with Allow is answered once for the whole app, from its route table
// (src/http/route-table.ts): every path the app serves, asked with a method
// none of its routes has, names exactly the methods that are served there.

let fixture: Awaited<ReturnType<typeof inProcessApp>>
beforeAll(async () => {
  fixture = await inProcessApp()
})
afterAll(() => fixture?.close())

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']

test('every served path answers an unserved method with 405 and the methods it serves', async () => {
  const byPath = new Map<string, Set<string>>()
  for (const route of fixture.app.routes.filter((r) => r.method !== 'ALL')) {
    const path = route.path.replace(/:[^/]+/g, 'x1')
    byPath.set(path, (byPath.get(path) ?? new Set()).add(route.method))
  }
  expect(byPath.size).toBeGreaterThan(10)
  for (const [path, served] of byPath) {
    // A concrete path may also match other routes' patterns (/api/v1/files/x1 and /api/v1/files/import).
    let refused = 0
    for (const method of METHODS.filter((m) => !served.has(m))) {
      const response = await fixture.app.request(`http://fuselink.test${path}`, {
        method,
        headers: { authorization: `Bearer ${fixture.adminKey}` },
      })
      // Another route's pattern may serve it: GET /api/v1/files/import is GET /api/v1/files/{id}.
      if (response.status !== 405) continue
      refused++
      const allow = response.headers.get('allow')!.split(', ')
      for (const method of served) expect(allow, `${method} ${path}`).toContain(method)
      if (served.has('GET')) expect(allow).toContain('HEAD')
      expect(allow).not.toContain(method)
      expect((await response.json()).code).toBe('method_not_allowed')
    }
    expect(refused, path).toBeGreaterThan(0)
  }
})

test('an unknown path is still 404', async () => {
  for (const method of METHODS) {
    const response = await fixture.app.request('http://fuselink.test/nothing/here', { method })
    expect(response.status).toBe(404)
    expect(response.headers.get('allow')).toBeNull()
  }
})
