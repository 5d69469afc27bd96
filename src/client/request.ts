import type { Operations } from './api.generated'
import { FuselinkApiError, FuselinkConnectionError, type Problem } from './errors'

/** An operation of the API, named as the API document names it: "METHOD /path". */
export type OperationKey = keyof Operations

/** What a raw upload accepts as its body. */
export type Bytes = Blob | ArrayBuffer | Uint8Array | ReadableStream<Uint8Array> | string

type NoFields = Record<string, never>

/** The input of one operation: its path parameters, query and body, as the API document types them. */
export type CallInput<K extends OperationKey> = (Operations[K]['path'] extends NoFields
  ? { path?: undefined }
  : { path: Operations[K]['path'] }) & { query?: Operations[K]['query'] } & (Operations[K]['body'] extends undefined
    ? { body?: undefined }
    : Operations[K]['body'] extends 'bytes'
      ? { body: Bytes; contentType: string }
      : { body: Operations[K]['body'] }) & {
    signal?: AbortSignal
    headers?: Record<string, string>
  }

/** What every call needs: where the service is, the credential, and the fetch to use. */
export interface Connection {
  /** The service's base URL, e.g. https://files.example.com. */
  url: string
  /** An API key; public operations work without one. */
  key?: string
  fetch: typeof fetch
}

function target(connection: Connection, operation: string, input: { path?: object; query?: object }): [string, string] {
  const space = operation.indexOf(' ')
  const method = operation.slice(0, space)
  const path = operation
    .slice(space + 1)
    .replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String((input.path as Record<string, unknown>)[name])))
  const url = new URL(`${connection.url.replace(/\/+$/, '')}${path}`)
  for (const [name, value] of Object.entries(input.query ?? {})) {
    if (value !== undefined && value !== null) url.searchParams.set(name, String(value))
  }
  return [method, url.href]
}

const isJson = (type: string | null) => /^application\/([a-z.+-]*\+)?json\b/i.test(type ?? '')

/** Reads an answer: the JSON of a success, nothing for 204, a FuselinkApiError for a problem. */
async function answer(response: Response, where: string): Promise<unknown> {
  const type = response.headers.get('content-type')
  if (response.ok) {
    if (response.status === 204 || response.headers.get('content-length') === '0') {
      await response.body?.cancel()
      return undefined
    }
    if (!isJson(type)) {
      await response.body?.cancel()
      throw new FuselinkConnectionError(`${where} answered ${response.status} with ${type ?? 'no type'}: is this a fuselink service?`, {
        status: response.status,
      })
    }
    return response.json()
  }
  if (/^application\/problem\+json\b/i.test(type ?? '')) {
    const problem = (await response.json().catch(() => null)) as Problem | null
    if (problem && typeof problem.code === 'string') {
      throw new FuselinkApiError({
        ...problem,
        status: typeof problem.status === 'number' ? problem.status : response.status,
        title: String(problem.title ?? ''),
        detail: String(problem.detail ?? problem.title ?? problem.code),
      })
    }
  } else {
    await response.body?.cancel()
  }
  throw new FuselinkConnectionError(`${where} answered ${response.status} ${response.statusText}, not as a fuselink service does`, {
    status: response.status,
  })
}

/** Calls one operation and returns its typed answer; throws FuselinkApiError or FuselinkConnectionError. */
export async function call<K extends OperationKey>(
  connection: Connection,
  operation: K,
  input: CallInput<K>,
): Promise<Operations[K]['response']> {
  const [method, url] = target(connection, operation, input)
  const headers: Record<string, string> = { accept: 'application/json', ...input.headers }
  if (connection.key) headers.authorization = `Bearer ${connection.key}`
  let body: BodyInit | undefined
  const raw = input as { body?: unknown; contentType?: string }
  if (raw.body !== undefined) {
    // A raw upload names its type; any other body is JSON.
    if (raw.contentType !== undefined) {
      headers['content-type'] = raw.contentType
      body = raw.body as BodyInit
    } else {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(raw.body)
    }
  }
  let response: Response
  try {
    // duplex: a stream body (an upload with progress) needs it on Node; others ignore it.
    response = await connection.fetch(url, { method, headers, body, signal: input.signal, duplex: 'half' } as RequestInit)
  } catch (cause) {
    if (input.signal?.aborted) throw input.signal.reason
    throw new FuselinkConnectionError(`cannot reach ${new URL(url).origin}: ${reasonOf(cause)}`, { cause })
  }
  return (await answer(response, `${method} ${new URL(url).pathname}`)) as Operations[K]['response']
}

/** The most telling message of a failed fetch (undici hides the system error in `cause`). */
function reasonOf(error: unknown): string {
  let current = error as { message?: string; code?: string; cause?: unknown } | undefined
  let message = String(current?.message ?? error)
  while (current?.cause) {
    current = current.cause as typeof current
    if (current?.code || current?.message) message = [current.code, current.message].filter(Boolean).join(' ')
  }
  return message
}
