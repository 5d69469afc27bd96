import type { ServiceTarget } from './target'

/** A thin client for the issuer API, so tests read as the contract does. */
export class Api {
  constructor(
    readonly target: ServiceTarget,
    readonly key: string = target.adminKey,
  ) {}

  url(path: string): string {
    return `${this.target.baseUrl}${path}`
  }

  request(
    method: string,
    path: string,
    init: { json?: unknown; body?: BodyInit; headers?: Record<string, string>; key?: string | null } = {},
  ) {
    const headers: Record<string, string> = { ...init.headers }
    const key = init.key === undefined ? this.key : init.key
    if (key !== null) headers.authorization = `Bearer ${key}`
    let body = init.body
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(init.json)
    }
    return fetch(this.url(path), { method, headers, body, duplex: 'half' } as RequestInit)
  }

  async json<T = any>(method: string, path: string, init: Parameters<Api['request']>[2] = {}, expected = 200): Promise<T> {
    const response = await this.request(method, path, init)
    const text = await response.text()
    if (response.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${response.status}: ${text}`)
    return (text ? JSON.parse(text) : null) as T
  }

  upload(name: string, body: Uint8Array | string, contentType = 'application/octet-stream') {
    return this.json(
      'POST',
      `/api/v1/files?name=${encodeURIComponent(name)}`,
      { body: body as BodyInit, headers: { 'content-type': contentType } },
      201,
    )
  }

  issue(fileId: string, options: Record<string, unknown> = {}) {
    return this.json('POST', '/api/v1/links', { json: { fileId, expiresIn: 3600, ...options } }, 201)
  }

  link(id: string) {
    return this.json('GET', `/api/v1/links/${id}`)
  }

  /** A key of the given role, made with this client's (admin) key. */
  async createKey(role: 'admin' | 'user', name = `${role} key`): Promise<Api> {
    const created = await this.json('POST', '/api/v1/keys', { json: { name, role } }, 201)
    return new Api(this.target, created.key)
  }
}

export function bytes(length: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length)
  let x = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}
