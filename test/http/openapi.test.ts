import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ZodType } from 'zod'
import { ERROR_CODES } from '../../src/core/errors'
import { ROUTES } from '../../src/http/routes'
import { route as uploadRoute } from '../../src/http/routes/files/upload'
import { route as createKeyRoute } from '../../src/http/routes/keys/create'
import { route as getLinkRoute } from '../../src/http/routes/links/get'
import { ProblemSchema } from '../../src/http/schemas/problem'
import { inProcessApp } from '../support/in-process-app'
import { ROOT } from '../support/node-service'

// The OpenAPI document against the app that serves it: a real validator for
// the document, the Hono route table for its operations, errors.ts for its
// problem codes, and real answers for its schemas.

type Document = Record<string, any>
const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options']

/** Served by the app, and left out of the document on purpose. */
const UNDOCUMENTED: Record<string, string> = {
  'GET /favicon.ico': 'browsers ask for it on every page; not part of the API',
  'GET /assets/{file}': "the pages' own scripts and styles; not part of the API",
}

let fixture: Awaited<ReturnType<typeof inProcessApp>>
let document: Document

const request = (path: string, init: RequestInit = {}) => fixture.app.request(`http://fuselink.test${path}`, init)
const asAdmin = (init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { authorization: `Bearer ${fixture.adminKey}`, ...(init.headers as Record<string, string>) },
})

function operations(doc: Document) {
  return Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ method, path, operation: item[method] })),
  )
}

beforeAll(async () => {
  fixture = await inProcessApp({ PUBLIC_URL: 'https://files.example.com' })
  const response = await request('/api/openapi.json')
  expect(response.status).toBe(200)
  document = await response.json()
})

afterAll(() => fixture?.close())

describe('the OpenAPI document', () => {
  test('is valid OpenAPI 3.1, and every reference resolves', async () => {
    const validator = new Validator()
    const result = await validator.validate(document)
    expect(result.errors).toBeUndefined()
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
    expect(() => validator.resolveRefs()).not.toThrow()
  })

  test('names PUBLIC_URL as its server and the API key as a bearer scheme', () => {
    expect(document.openapi).toBe('3.1.0')
    expect(document.servers).toEqual([{ url: 'https://files.example.com' }])
    expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' })
  })

  test('lists exactly the routes the app serves: none missing, none extra', () => {
    const served = new Set(
      fixture.app.routes
        .filter((route) => route.method !== 'ALL')
        .map((route) => `${route.method} ${route.path.replace(/:([^/]+)/g, '{$1}')}`)
        .filter((key) => !(key in UNDOCUMENTED)),
    )
    const documented = operations(document)
    // Hono answers HEAD with the GET handler; the document may list it separately.
    for (const { path } of documented.filter((entry) => entry.method === 'head')) expect(served).toContain(`GET ${path}`)
    const listed = new Set(
      documented.filter((entry) => entry.method !== 'head').map(({ method, path }) => `${method.toUpperCase()} ${path}`),
    )
    expect([...listed].sort()).toEqual([...served].sort())
    for (const key of Object.keys(UNDOCUMENTED)) {
      expect(fixture.app.routes.some((r) => `${r.method} ${r.path.replace(/:([^/]+)/g, '{$1}')}` === key)).toBe(true)
    }
  })

  test('lists every problem code of errors.ts under its own status, and nothing else', () => {
    const seen = new Map<string, Set<string>>()
    for (const { method, path, operation } of operations(document)) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, any>)) {
        const schema = response.content?.['application/problem+json']?.schema
        if (!schema) continue
        const codes: string[] = schema.allOf.flatMap((part: any) => part.properties?.code?.enum ?? [])
        expect(codes.length, `${method} ${path} ${status}`).toBeGreaterThan(0)
        for (const code of codes) {
          expect(ERROR_CODES.find((entry) => entry.code === code)?.status, `${method} ${path}: ${code}`).toBe(Number(status))
          seen.set(code, (seen.get(code) ?? new Set()).add(`${method} ${path}`))
        }
      }
    }
    expect([...seen.keys()].sort()).toEqual(ERROR_CODES.map((entry) => entry.code).sort())
    // The Problem schema itself carries every code with its title.
    const problemCodes = document.components.schemas.Problem.properties.code.anyOf.map((option: any) => option.enum[0])
    expect(problemCodes).toEqual(ERROR_CODES.map((entry) => entry.code))
  })

  test('every /api/v1 operation but signing in takes the bearer key or the session cookie and may answer 401 and 429; every operation may answer 500', () => {
    expect(document.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'fuselink_session' })
    for (const { method, path, operation } of operations(document)) {
      const where = `${method} ${path}`
      expect(operation.responses['500'], where).toBeDefined()
      expect(typeof operation.summary, where).toBe('string')
      expect(operation.tags?.length, where).toBe(1)
      if (where === 'post /api/v1/sessions') {
        expect(operation.security, where).toEqual([])
        expect(Object.keys(operation.responses), where).toEqual(expect.arrayContaining(['401', '429']))
      } else if (path.startsWith('/api/v1/')) {
        expect(operation.security, where).toEqual([{ apiKey: [] }, { session: [] }])
        expect(Object.keys(operation.responses), where).toEqual(expect.arrayContaining(['401', '429']))
        // A change made with the session cookie from another site is refused.
        if (method !== 'get') expect(Object.keys(operation.responses), where).toContain('403')
      } else {
        expect(operation.security, where).toEqual([])
      }
    }
  })

  test("docs/api.md's route tables name the same routes", () => {
    const prose = readFileSync(join(ROOT, 'docs/api.md'), 'utf8')
    const inTables = new Set<string>()
    for (const row of prose.split('\n').filter((line) => line.startsWith('| `'))) {
      const cell = row.split(' | ')[0]!
      for (const [, methods, path] of cell.matchAll(
        /`((?:GET|HEAD|POST|PUT|PATCH|DELETE)(?:\/(?:GET|HEAD|POST|PUT|PATCH|DELETE))*) (\/[^\s`?]*)/g,
      )) {
        for (const method of methods!.split('/')) inTables.add(`${method} ${path!.replace(/:([^/]+)/g, '{$1}')}`)
      }
    }
    const documented = operations(document).map(({ method, path }) => `${method.toUpperCase()} ${path}`)
    const described = [...inTables].filter((key) => !(key in UNDOCUMENTED))
    expect(described.sort()).toEqual(documented.sort())
  })

  test('describes the streamed upload without a schema a validator would read the body for', () => {
    const content = uploadRoute.request.body.content
    for (const media of Object.values(content)) expect('safeParse' in media.schema).toBe(false)
    expect(Object.keys(document.paths['/api/v1/files'].post.requestBody.content)).toEqual(['*/*', 'multipart/form-data'])
  })

  test('uses only JSON Schema types, and requires only fields it describes', () => {
    const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'])
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) {
        for (const [i, item] of node.entries()) walk(item, `${where}/${i}`)
        return
      }
      if (!node || typeof node !== 'object') return
      const schema = node as Record<string, any>
      if ('type' in schema && (typeof schema.type === 'string' || Array.isArray(schema.type))) {
        for (const type of [schema.type].flat()) expect(TYPES.has(type), `${where}: type ${type}`).toBe(true)
      }
      if (Array.isArray(schema.required) && schema.properties) {
        for (const name of schema.required) expect(schema.properties, `${where}: required ${name}`).toHaveProperty(name)
      }
      for (const [key, value] of Object.entries(schema)) walk(value, `${where}/${key}`)
    }
    walk(document.components.schemas, '#/components/schemas')
    walk(document.paths, '#/paths')
  })
})

describe('real answers match the schemas the document is made from', () => {
  /** Parses with the route's own zod schema and insists on no field the schema does not name. */
  function conforms(schema: ZodType, body: unknown) {
    const parsed = schema.parse(body)
    const keys = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(keys)
        : value && typeof value === 'object'
          ? Object.fromEntries(
              Object.entries(value)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([k, v]) => [k, keys(v)]),
            )
          : typeof value
    expect(keys(parsed)).toEqual(keys(body))
  }

  const jsonSchema = (route: { responses: Record<number, any> }, status: number) =>
    route.responses[status].content['application/json'].schema

  test('files, links, keys and problems', async () => {
    const upload = await request('/api/v1/files?name=a.txt', asAdmin({ method: 'POST', body: 'hello' }))
    expect(upload.status).toBe(201)
    const file = await upload.json()
    conforms(jsonSchema(uploadRoute, 201), file)

    const created = await request(
      '/api/v1/links',
      asAdmin({
        method: 'POST',
        body: JSON.stringify({ fileId: file.id, expiresIn: '1h', filename: 'b.txt' }),
        headers: { 'content-type': 'application/json' },
      }),
    )
    expect(created.status).toBe(201)
    const link = await created.json()
    conforms(jsonSchema(getLinkRoute, 200), link)

    for (const module of ROUTES) {
      const route = (module as { route?: { method: string; path: string; responses: Record<number, any> } }).route
      if (route?.method !== 'get' || !route.path.startsWith('/api/v1/')) continue
      const path = route.path.replace('{id}', route.path.includes('/links/') ? link.id : file.id)
      const response = await request(path, asAdmin())
      expect(response.status, path).toBe(200)
      conforms(jsonSchema(route, 200), await response.json())
    }

    const key = await request(
      '/api/v1/keys',
      asAdmin({ method: 'POST', body: JSON.stringify({ name: 'k', role: 'user' }), headers: { 'content-type': 'application/json' } }),
    )
    conforms(jsonSchema(createKeyRoute, 201), await key.json())

    const missing = await request('/api/v1/files/nosuchfile', asAdmin())
    expect(missing.status).toBe(404)
    conforms(ProblemSchema, await missing.json())
  })
})
