import type { Operations, Schemas } from './api.generated'
import { ONE_REQUEST_MAX, type PartsOptions, uploadInParts } from './parts'
import { type OnProgress, withProgress } from './progress'
import { type Bytes, type CallInput, type Connection, call, type OperationKey } from './request'

export type FileInfo = Schemas['File']
export type Link = Schemas['Link']
export type LinkWithAccess = Schemas['LinkWithAccess']
export type CreatedKey = Schemas['CreatedKey']
export type CreatedUser = Schemas['CreatedUser']
export type Owner = Schemas['Owner']
export type Jwks = Schemas['Jwks']
export type LinkEvent = Schemas['LinkEvent']
export type Upload = Schemas['Upload']
export type UploadPart = Schemas['UploadPart']
export type Webhook = Schemas['Webhook']
export type WebhookDelivery = Schemas['WebhookDelivery']

/** The link part of `share`: everything `POST /api/v1/links` takes but the file. */
export type LinkOptions = Omit<Operations['POST /api/v1/links']['body'], 'fileId'>
export type FileListQuery = Operations['GET /api/v1/files']['query']
export type LinkListQuery = Operations['GET /api/v1/links']['query']
/** What `PATCH /api/v1/links/{id}` changes: expiry, download limit, file name, note. */
export type LinkUpdate = Operations['PATCH /api/v1/links/{id}']['body']
/** A page's size and position, as every list of the API takes them. */
export type PageQuery = { limit?: number; cursor?: string }

export interface ClientOptions {
  /** The service's base URL (its PUBLIC_URL), e.g. https://files.example.com. */
  url: string
  /** An API key (`fl_…`). Public operations (keys, health) work without one. */
  key?: string
  /** The fetch to use: a Worker's service binding, a test's, or the global one. */
  fetch?: typeof fetch
}

export interface UploadOptions {
  /** The file's name; defaults to the name of a File. */
  name?: string
  /** Defaults to the Blob's type, else application/octet-stream. */
  contentType?: string
  /** Called as the bytes go out. */
  onProgress?: OnProgress
  signal?: AbortSignal
}

export interface PartsUploadOptions extends UploadOptions {
  /** Parts in flight at once, 1 to 8 (default 3). */
  concurrency?: PartsOptions['concurrency']
  /** How often one part is sent again after a dropped connection, 408, 429 or 5xx (default 5). */
  retries?: PartsOptions['retries']
  /** An unfinished upload's id: only its missing parts are sent; a new upload starts when it is gone or of another size. */
  resume?: PartsOptions['resume']
  /** Told of a new upload, to remember its id for `resume`; the upload is then kept on the service when this run fails. */
  onCreated?: PartsOptions['onCreated']
}

/** The link, the upload, and for a file sent in parts a way to resume it (`resume`, `onCreated`). */
export type ShareOptions = LinkOptions & UploadOptions & Pick<PartsUploadOptions, 'resume' | 'onCreated'>

/** How one part is sent: its progress and a way to stop it. */
export type PartOptions = Pick<UploadOptions, 'onProgress' | 'signal'>

/** What `share` made: the stored file and its link (with `url` to send and `downloadUrl` for programs). */
export interface Shared {
  file: FileInfo
  link: LinkWithAccess
}

type Page<T> = { items: T[]; nextCursor: string | null }

/**
 * The fuselink API from any JavaScript runtime with `fetch` (Node, Workers,
 * browsers, Deno, Bun), typed by the API document the service serves. Every
 * refusal throws FuselinkApiError with the problem's `code`; no answer at all
 * throws FuselinkConnectionError. docs/integrations.md shows it in use.
 */
export class FuselinkClient {
  readonly #connection: Connection

  constructor(options: ClientOptions) {
    if (!/^https?:\/\//i.test(options.url)) throw new TypeError(`url must be an http:// or https:// URL, got "${options.url}"`)
    this.#connection = { url: options.url, key: options.key, fetch: options.fetch ?? ((input, init) => fetch(input, init)) }
  }

  /** The service's base URL. */
  get url(): string {
    return this.#connection.url
  }

  /** Any operation of the API document, by "METHOD /path", with typed input and answer. */
  call<K extends OperationKey>(operation: K, input: CallInput<K>): Promise<Operations[K]['response']> {
    return call(this.#connection, operation, input)
  }

  readonly files = {
    /** Uploads a file in one request (streamed; never held whole by the service). */
    upload: (body: Bytes, options: UploadOptions = {}): Promise<FileInfo> => {
      const { name, contentType } = described(body, options)
      return this.call('POST /api/v1/files', {
        query: { name },
        body: options.onProgress ? withProgress(body, options.onProgress) : body,
        contentType,
        signal: options.signal,
      })
    },
    /**
     * Uploads a file in parts (`/api/v1/uploads`): a few at a time, each sent
     * again on its own when the connection drops, so a large file survives a
     * flaky network and passes the edge's request size limit.
     */
    uploadInParts: (file: Blob, options: PartsUploadOptions = {}): Promise<FileInfo> =>
      uploadInParts(this.#connection, file, { ...options, ...described(file, options) }),
    /** Admin only: registers an object already in the bucket. */
    import: (body: Operations['POST /api/v1/files/import']['body']) => this.call('POST /api/v1/files/import', { body }),
    list: (query: FileListQuery = {}) => this.call('GET /api/v1/files', { query }),
    /** Every file (following the cursor), newest first. */
    all: (query: Omit<FileListQuery, 'cursor'> = {}) => this.#pages((cursor) => this.files.list({ ...query, cursor })),
    get: (id: string) => this.call('GET /api/v1/files/{id}', { path: { id } }),
    delete: (id: string) => this.call('DELETE /api/v1/files/{id}', { path: { id } }),
  }

  readonly links = {
    create: (body: Operations['POST /api/v1/links']['body']) => this.call('POST /api/v1/links', { body }),
    list: (query: LinkListQuery = {}) => this.call('GET /api/v1/links', { query }),
    /** Every link (following the cursor), newest first. */
    all: (query: Omit<LinkListQuery, 'cursor'> = {}) => this.#pages((cursor) => this.links.list({ ...query, cursor })),
    get: (id: string) => this.call('GET /api/v1/links/{id}', { path: { id } }),
    revoke: (id: string) => this.call('DELETE /api/v1/links/{id}', { path: { id } }),
    /** Revokes the link a token (or a link URL's token) belongs to. */
    revokeToken: (token: string) => this.call('POST /api/v1/links/revoke', { body: { token } }),
    /**
     * Changes a link. A later expiry than its token carries issues a new token: the answer has
     * `reissued: true` and the new `url` and `downloadUrl`; the old URL keeps its own expiry.
     */
    update: (id: string, body: LinkUpdate) => this.call('PATCH /api/v1/links/{id}', { path: { id }, body }),
    /** The link's audit events, newest first. */
    events: (id: string, query: PageQuery = {}) => this.call('GET /api/v1/links/{id}/events', { path: { id }, query }),
    /** Every event of the link (following the cursor), newest first. */
    allEvents: (id: string, query: Omit<PageQuery, 'cursor'> = {}) => this.#pages((cursor) => this.links.events(id, { ...query, cursor })),
  }

  /** Uploads in parts: resumable, for files larger than one request may carry (docs/uploads.md). */
  readonly uploads = {
    /** Starts an upload; the answer says the `partSize` and how many `parts` to send. */
    create: (body: Operations['POST /api/v1/uploads']['body']) => this.call('POST /api/v1/uploads', { body }),
    /** Sends part `n` (1 to `parts`); sending a part again replaces it. */
    part: (id: string, n: number, body: Bytes, options: PartOptions = {}) =>
      this.call('PUT /api/v1/uploads/{id}/parts/{n}', {
        path: { id, n: String(n) },
        body: options.onProgress ? withProgress(body, options.onProgress) : body,
        contentType: 'application/octet-stream',
        signal: options.signal,
      }),
    /** The upload as it stands: `received` names the parts the service holds. */
    get: (id: string) => this.call('GET /api/v1/uploads/{id}', { path: { id } }),
    /** Joins the parts into the file (with parts missing: `upload_incomplete`, naming them). */
    complete: (id: string) => this.call('POST /api/v1/uploads/{id}/complete', { path: { id } }),
    /** Abandons the upload; the service removes its parts. */
    abort: (id: string) => this.call('DELETE /api/v1/uploads/{id}', { path: { id } }),
  }

  /** Signed deliveries about the owner's links and upload requests (docs/webhooks.md). */
  readonly webhooks = {
    /** The answer's `secret` (`whsec_…`) verifies deliveries; it is shown this once. */
    create: (body: Operations['POST /api/v1/webhooks']['body']) => this.call('POST /api/v1/webhooks', { body }),
    list: (query: PageQuery = {}) => this.call('GET /api/v1/webhooks', { query }),
    /** Every webhook (following the cursor), newest first. */
    all: (query: Omit<PageQuery, 'cursor'> = {}) => this.#pages((cursor) => this.webhooks.list({ ...query, cursor })),
    /** Removes the webhook and every delivery queued for it. */
    delete: (id: string) => this.call('DELETE /api/v1/webhooks/{id}', { path: { id } }),
    /** Queues a `webhook.test` delivery now; the answer is that delivery. */
    test: (id: string) => this.call('POST /api/v1/webhooks/{id}/test', { path: { id } }),
    /** The webhook's recent deliveries: event, status, attempts, last answer. */
    deliveries: (id: string, query: PageQuery = {}) => this.call('GET /api/v1/webhooks/{id}/deliveries', { path: { id }, query }),
  }

  readonly keys = {
    /** Admin only. The answer's `key` is the secret, shown this once. */
    create: (body: Operations['POST /api/v1/keys']['body']) => this.call('POST /api/v1/keys', { body }),
    /** An admin disables any key, a user its own. With `revokeLinks`, every link the key issued is revoked too. */
    disable: (id: string, options: { revokeLinks?: boolean } = {}) =>
      this.call('DELETE /api/v1/keys/{id}', {
        path: { id },
        query: options.revokeLinks === undefined ? {} : { revokeLinks: options.revokeLinks ? 'true' : 'false' },
      }),
  }

  readonly users = {
    /** Admin only. Without `password`, the answer's `inviteUrl` is where the user chooses one. */
    create: (body: Operations['POST /api/v1/users']['body']) => this.call('POST /api/v1/users', { body }),
  }

  /** Who the key is, or whom it acts for (GET /api/v1/me). */
  me() {
    return this.call('GET /api/v1/me', {})
  }

  /** The public keys download tokens are signed with (GET /.well-known/jwks.json). */
  publicKeys(): Promise<Jwks> {
    return this.call('GET /.well-known/jwks.json', {})
  }

  health() {
    return this.call('GET /healthz', {})
  }

  /** Uploads a file (a Blob over 5 MiB in parts, anything else in one request) and issues a link to it. */
  async share(body: Bytes, options: ShareOptions): Promise<Shared> {
    const { name, contentType, onProgress, signal, resume, onCreated, ...link } = options
    const upload = { name, contentType, onProgress, signal }
    const file =
      body instanceof Blob && body.size > ONE_REQUEST_MAX
        ? await this.files.uploadInParts(body, { ...upload, resume, onCreated })
        : await this.files.upload(body, upload)
    return { file, link: await this.links.create({ ...link, fileId: file.id }) }
  }

  async *#pages<T>(page: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
    let cursor: string | undefined
    do {
      const next = await page(cursor)
      yield* next.items
      cursor = next.nextCursor ?? undefined
    } while (cursor !== undefined)
  }
}

/** A file's name (from options, else the File's own) and media type (from options, else the Blob's, else octet-stream). */
function described(body: Bytes, options: UploadOptions): { name: string; contentType: string } {
  const name = options.name ?? (body as { name?: unknown }).name
  if (typeof name !== 'string' || name === '') throw new TypeError('upload: give the file a name (options.name)')
  return { name, contentType: options.contentType || (body instanceof Blob && body.type) || 'application/octet-stream' }
}
