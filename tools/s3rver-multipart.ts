import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream, existsSync } from 'node:fs'
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/*
 * What s3rver 3.7.1 lacks of S3's multipart upload, added in front of it so
 * that the S3 store is tested through the calls it makes to a real S3 or R2
 * (docs/uploads.md, "What s3rver does not do"). s3rver answers ListParts and
 * AbortMultipartUpload with 405, ListMultipartUploads with 501, accepts a
 * part for an upload id it never issued (and creates it), writes a part over
 * the one before as it arrives (a part cut off midway destroys an earlier
 * good one; S3 keeps a part only once it arrived whole), answers 500 to
 * completing an unknown upload, and completes without checking ETags, part
 * order or S3's 5 MiB minimum part size. This middleware answers those
 * requests as S3 does, over s3rver's own upload directories
 * (<directory>/<bucket>/._S3rver_uploads/<uploadId>/ holding `key`,
 * `metadata`, and each part as <n> with <n>.md5), and hands the join itself
 * back to s3rver's store. Path-style addressing only, as the tests use.
 */

const MIN_PART_SIZE = 5 * 1024 * 1024
const MAX_PART_NUMBER = 10_000
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
const NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/'

/** The little of Koa's context this middleware uses. */
interface Context {
  method: string
  path: string
  query: Record<string, string | string[] | undefined>
  req: NodeJS.ReadableStream
  status: number
  body: unknown
  type: string
  headers: Record<string, string | undefined>
  set(name: string, value: string): void
  store: { putObjectMultipart(bucket: string, uploadId: string, parts: { number: number; etag: string }[]): Promise<{ md5: string }> }
}

type Next = () => Promise<unknown>

const escapeXml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')

function xml(ctx: Context, status: number, body: string): void {
  ctx.status = status
  ctx.type = 'application/xml'
  ctx.body = XML_HEAD + body
}

function s3Error(ctx: Context, status: number, code: string, message: string, extra = ''): void {
  xml(ctx, status, `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${extra}<RequestId>local</RequestId></Error>`)
}

/** Reads (or skips) a request body to its end, so that an early answer reaches the client. */
function readBody(ctx: Context): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    ctx.req.on('data', (chunk: Buffer) => chunks.push(chunk))
    ctx.req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    ctx.req.on('error', reject)
  })
}

function drain(ctx: Context): Promise<void> {
  return new Promise((resolve) => {
    ctx.req.on('end', () => resolve())
    ctx.req.on('error', () => resolve())
    ctx.req.resume()
  })
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

interface StoredPart {
  number: number
  size: number
  etag: string
  modified: Date
}

export function multipartCompletions(directory: string) {
  const uploadsOf = (bucket: string) => join(directory, bucket, '._S3rver_uploads')
  const uploadDir = (bucket: string, uploadId: string) => join(uploadsOf(bucket), uploadId)
  const validId = (uploadId: string) => /^[A-Za-z0-9_-]{1,128}$/.test(uploadId)

  async function keyOf(bucket: string, uploadId: string): Promise<string | null> {
    if (!validId(uploadId)) return null
    try {
      return await readFile(join(uploadDir(bucket, uploadId), 'key'), 'utf8')
    } catch {
      return null
    }
  }

  async function partsOf(bucket: string, uploadId: string): Promise<StoredPart[]> {
    const dir = uploadDir(bucket, uploadId)
    const parts: StoredPart[] = []
    for (const name of await readdir(dir)) {
      if (!/^\d+$/.test(name) || !existsSync(join(dir, `${name}.md5`))) continue
      const info = await stat(join(dir, name))
      const md5 = (await readFile(join(dir, `${name}.md5`), 'utf8')).trim()
      parts.push({ number: Number(name), size: info.size, etag: `"${md5}"`, modified: info.mtime })
    }
    return parts.sort((a, b) => a.number - b.number)
  }

  async function listUploads(ctx: Context, bucket: string): Promise<void> {
    const prefix = one(ctx.query.prefix) ?? ''
    const keyMarker = one(ctx.query['key-marker']) ?? ''
    const idMarker = one(ctx.query['upload-id-marker']) ?? ''
    const max = Math.min(Number(one(ctx.query['max-uploads']) ?? 1000) || 1000, 1000)
    const all: { key: string; uploadId: string; initiated: Date }[] = []
    const root = uploadsOf(bucket)
    for (const uploadId of existsSync(root) ? await readdir(root) : []) {
      const key = await keyOf(bucket, uploadId)
      if (key === null || !key.startsWith(prefix)) continue
      all.push({ key, uploadId, initiated: (await stat(join(root, uploadId, 'key'))).mtime })
    }
    all.sort((a, b) => (a.key === b.key ? a.uploadId.localeCompare(b.uploadId) : a.key < b.key ? -1 : 1))
    const after = all.filter((u) => u.key > keyMarker || (u.key === keyMarker && idMarker !== '' && u.uploadId > idMarker))
    const page = after.slice(0, max)
    const truncated = after.length > page.length
    const last = page[page.length - 1]
    const uploads = page
      .map(
        (u) =>
          `<Upload><Key>${escapeXml(u.key)}</Key><UploadId>${u.uploadId}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
      )
      .join('')
    const next =
      truncated && last
        ? `<NextKeyMarker>${escapeXml(last.key)}</NextKeyMarker><NextUploadIdMarker>${last.uploadId}</NextUploadIdMarker>`
        : ''
    xml(
      ctx,
      200,
      `<ListMultipartUploadsResult xmlns="${NAMESPACE}"><Bucket>${escapeXml(bucket)}</Bucket><KeyMarker>${escapeXml(keyMarker)}</KeyMarker><UploadIdMarker>${idMarker}</UploadIdMarker>${next}<Prefix>${escapeXml(prefix)}</Prefix><MaxUploads>${max}</MaxUploads><IsTruncated>${truncated}</IsTruncated>${uploads}</ListMultipartUploadsResult>`,
    )
  }

  async function listParts(ctx: Context, bucket: string, key: string, uploadId: string): Promise<void> {
    const marker = Number(one(ctx.query['part-number-marker']) ?? 0) || 0
    const max = Math.min(Number(one(ctx.query['max-parts']) ?? 1000) || 1000, 1000)
    const after = (await partsOf(bucket, uploadId)).filter((p) => p.number > marker)
    const page = after.slice(0, max)
    const truncated = after.length > page.length
    const parts = page
      .map(
        (p) =>
          `<Part><PartNumber>${p.number}</PartNumber><LastModified>${p.modified.toISOString()}</LastModified><ETag>${escapeXml(p.etag)}</ETag><Size>${p.size}</Size></Part>`,
      )
      .join('')
    const next = page.length > 0 ? page[page.length - 1]!.number : marker
    xml(
      ctx,
      200,
      `<ListPartsResult xmlns="${NAMESPACE}"><Bucket>${escapeXml(bucket)}</Bucket><Key>${escapeXml(key)}</Key><UploadId>${uploadId}</UploadId><PartNumberMarker>${marker}</PartNumberMarker><NextPartNumberMarker>${next}</NextPartNumberMarker><MaxParts>${max}</MaxParts><IsTruncated>${truncated}</IsTruncated><StorageClass>STANDARD</StorageClass>${parts}</ListPartsResult>`,
    )
  }

  /** A part is kept only once all its declared bytes arrived; a request cut off leaves the earlier part as it was. */
  async function uploadPart(ctx: Context, bucket: string, uploadId: string, number: number): Promise<void> {
    const dir = uploadDir(bucket, uploadId)
    const partial = join(dir, `${number}.${randomUUID()}.partial`)
    const declared = ctx.headers['content-length'] === undefined ? null : Number(ctx.headers['content-length'])
    const md5 = createHash('md5')
    let size = 0
    const whole = await new Promise<boolean>((resolve) => {
      const file = createWriteStream(partial)
      let ended = false
      ctx.req.on('data', (chunk: Buffer) => {
        size += chunk.byteLength
        md5.update(chunk)
      })
      ctx.req.on('end', () => {
        ended = true
      })
      const cut = () => {
        ctx.req.unpipe(file)
        file.destroy()
      }
      ctx.req.on('error', cut)
      ctx.req.on('close', () => {
        if (!ended) cut()
      })
      file.on('error', cut)
      file.on('close', () => resolve(ended && (declared === null || size === declared)))
      ctx.req.pipe(file)
    })
    if (!whole) {
      await rm(partial, { force: true })
      ctx.status = 400
      ctx.body = null
      return
    }
    const etag = md5.digest('hex')
    await rename(partial, join(dir, String(number)))
    await writeFile(join(dir, `${number}.md5`), etag)
    ctx.set('ETag', `"${etag}"`)
    ctx.status = 200
    ctx.body = ''
  }

  async function complete(ctx: Context, bucket: string, key: string, uploadId: string): Promise<void> {
    const body = await readBody(ctx)
    const asked = [...body.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map(([, part]) => ({
      number: Number(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(part!)?.[1] ?? NaN),
      etag: (/<ETag>([\s\S]*?)<\/ETag>/.exec(part!)?.[1] ?? '').replaceAll('&quot;', '"').replaceAll('"', '').trim(),
    }))
    if (asked.length === 0 || asked.some((p) => !Number.isInteger(p.number))) {
      return s3Error(ctx, 400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.')
    }
    for (let i = 1; i < asked.length; i++) {
      if (asked[i]!.number <= asked[i - 1]!.number) {
        return s3Error(ctx, 400, 'InvalidPartOrder', 'The list of parts was not in ascending order.')
      }
    }
    const stored = new Map((await partsOf(bucket, uploadId)).map((p) => [p.number, p]))
    for (const [i, part] of asked.entries()) {
      const found = stored.get(part.number)
      if (!found || found.etag.replaceAll('"', '') !== part.etag) {
        return s3Error(
          ctx,
          400,
          'InvalidPart',
          'One or more of the specified parts could not be found.',
          `<PartNumber>${part.number}</PartNumber>`,
        )
      }
      if (i < asked.length - 1 && found.size < MIN_PART_SIZE) {
        return s3Error(
          ctx,
          400,
          'EntityTooSmall',
          'Your proposed upload is smaller than the minimum allowed object size.',
          `<PartNumber>${part.number}</PartNumber>`,
        )
      }
    }
    const { md5 } = await ctx.store.putObjectMultipart(bucket, uploadId, asked)
    xml(
      ctx,
      200,
      `<CompleteMultipartUploadResult xmlns="${NAMESPACE}"><Bucket>${escapeXml(bucket)}</Bucket><Key>${escapeXml(key)}</Key><ETag>"${md5}-${asked.length}"</ETag></CompleteMultipartUploadResult>`,
    )
  }

  return async function multipart(ctx: Context, next: Next): Promise<unknown> {
    const match = /^\/([^/]+)(?:\/(.*))?$/.exec(ctx.path)
    if (!match) return next()
    const bucket = decodeURIComponent(match[1]!)
    const key = match[2] ? decodeURIComponent(match[2]) : undefined
    const uploadId = one(ctx.query.uploadId)

    if (key === undefined) {
      if (ctx.method === 'GET' && 'uploads' in ctx.query) return listUploads(ctx, bucket)
      return next()
    }
    if (uploadId === undefined) return next()

    if ((await keyOf(bucket, uploadId)) !== key) {
      if (ctx.method === 'PUT' || ctx.method === 'POST') await drain(ctx)
      return s3Error(
        ctx,
        404,
        'NoSuchUpload',
        'The specified multipart upload does not exist.',
        `<UploadId>${escapeXml(uploadId)}</UploadId>`,
      )
    }
    switch (ctx.method) {
      case 'GET':
        return listParts(ctx, bucket, key, uploadId)
      case 'DELETE':
        await rm(uploadDir(bucket, uploadId), { recursive: true, force: true })
        ctx.status = 204
        ctx.body = null
        return
      case 'POST':
        return complete(ctx, bucket, key, uploadId)
      case 'PUT': {
        const number = Number(one(ctx.query.partNumber))
        if (!Number.isInteger(number) || number < 1 || number > MAX_PART_NUMBER) {
          await drain(ctx)
          return s3Error(ctx, 400, 'InvalidArgument', `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`)
        }
        if ('x-amz-copy-source' in ctx.headers) return next()
        return uploadPart(ctx, bucket, uploadId, number)
      }
      default:
        return next()
    }
  }
}
