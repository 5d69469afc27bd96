import { openAsBlob, statSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { renderUnicodeCompact } from 'uqr'
import type { Bytes, Shared } from '../../client'
import { type Command, expectArguments, wholeNumber } from '../command'
import { LocalError, UsageError } from '../exit'
import { mediaTypeOf } from '../media-types'
import { formatBytes, formatTime } from '../output'
import { type ProgressMode, progressReporter } from '../progress-bar'
import { readSecret } from '../secret'
import { UnfinishedUploads, type UploadedFile, unfinishedUploadsPath } from '../unfinished-uploads'

const MAX_DOWNLOADS = 1_000_000

/** What to upload: a file on disk (read as it streams, never whole; its `stat` names it for resuming), or stdin for "-". */
async function source(
  path: string,
  stdin: NodeJS.ReadStream,
): Promise<{ body: Bytes; size: number | undefined; stat?: Omit<UploadedFile, 'url'> }> {
  if (path === '-') return { body: Readable.toWeb(stdin) as ReadableStream<Uint8Array>, size: undefined }
  let stat: Omit<UploadedFile, 'url'>
  try {
    const found = statSync(path)
    if (found.isDirectory()) throw new LocalError(`${path} is a directory: share its files, or an archive of it`)
    stat = { path: resolve(path), size: found.size, mtime: found.mtimeMs }
  } catch (error) {
    if (error instanceof LocalError) throw error
    const code = (error as NodeJS.ErrnoException).code
    throw new LocalError(code === 'ENOENT' ? `${path}: no such file` : `cannot read ${path}: ${(error as Error).message}`)
  }
  return { body: await openAsBlob(path), size: stat.size, stat }
}

export const share: Command = {
  name: 'share',
  summary: 'upload files and print a link to each',
  usage: 'FILE... [--expires 24h] [--downloads N] [--password] [--message TEXT] [--qr]',
  help: [
    '--expires DURATION   how long each link lives: seconds, or 90m, 24h, 7d, 2w (default 24h)',
    '--downloads N        downloads each link allows (default 1)',
    '--not-before TIME    no download before this ISO 8601 time',
    '--password           recipients need a password: typed without echo, or the first line of stdin',
    "--message TEXT       words for the recipient, shown on the link's page (up to 500 characters)",
    '--name NAME          the file name to store (one FILE; required for - , which reads stdin)',
    '--type TYPE          the media type (default: guessed from the name)',
    '--qr                 print a QR code of each link',
    '--progress           show upload progress even when stderr is not a terminal',
    '-q, --quiet          no progress, no notes',
  ],
  options: {
    expires: { type: 'string' },
    downloads: { type: 'string' },
    'not-before': { type: 'string' },
    password: { type: 'boolean' },
    message: { type: 'string' },
    name: { type: 'string' },
    type: { type: 'string' },
    qr: { type: 'boolean' },
    progress: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  },
  async run(context, values, files) {
    expectArguments(files, { min: 1 }, 'FILE (the files to share, or - for stdin)')
    const name = values.name as string | undefined
    if (name !== undefined && files.length > 1) throw new UsageError('--name names one file: share one FILE with it')
    if (files.includes('-') && name === undefined) throw new UsageError('reading stdin (-) needs --name')
    const maxDownloads = wholeNumber(values.downloads, 'downloads', MAX_DOWNLOADS)
    const notBeforeText = values['not-before'] as string | undefined
    const notBefore = notBeforeText === undefined ? undefined : Date.parse(notBeforeText)
    if (notBefore !== undefined && Number.isNaN(notBefore)) throw new UsageError(`--not-before: "${notBeforeText}" is not an ISO 8601 time`)
    const expiresIn = (values.expires as string | undefined) ?? '24h'
    const message = values.message as string | undefined
    if (values.password && files.includes('-')) throw new UsageError('--password reads stdin: share a file, not -')

    const { io, out } = context
    const mode: ProgressMode = values.quiet || out.json ? 'off' : io.stderr.isTTY ? 'bar' : values.progress ? 'lines' : 'off'
    const client = context.client()
    const password = values.password ? await readSecret(io, 'link password: ') : undefined
    // A file sent in parts is remembered until it is complete, so that a run cut short resumes it.
    const unfinished = new UnfinishedUploads(unfinishedUploadsPath(io.env), (message) => io.stderr.write(`fuselink: ${message}\n`))
    const results: Shared[] = []
    for (const path of files) {
      const { body, size, stat } = await source(path, io.stdin)
      const uploaded = stat && { ...stat, url: client.url }
      const fileName = name ?? basename(path)
      const progress = progressReporter(io.stderr, fileName, mode)
      const shared = await client.share(body, {
        name: fileName,
        contentType: (values.type as string | undefined) ?? mediaTypeOf(fileName),
        expiresIn,
        ...(maxDownloads === undefined ? {} : { maxDownloads }),
        ...(notBefore === undefined ? {} : { notBefore: new Date(notBefore).toISOString() }),
        ...(message === undefined ? {} : { message }),
        ...(password === undefined ? {} : { password }),
        onProgress: (sent) => progress.update(sent),
        signal: context.signal,
        ...(uploaded && { resume: unfinished.find(uploaded), onCreated: (upload) => unfinished.remember(uploaded, upload) }),
      })
      if (uploaded) unfinished.forget(uploaded)
      progress.done()
      results.push(shared)
      if (out.json) continue
      out.result(shared, () => shared.link.url)
      if (values.qr) io.stdout.write(`${renderUnicodeCompact(shared.link.url)}\n`)
      if (!values.quiet) {
        const { link, file } = shared
        const downloads =
          link.maxDownloads === null ? 'unlimited downloads' : link.maxDownloads === 1 ? '1 download' : `${link.maxDownloads} downloads`
        const locked = link.passwordProtected ? ', with a password' : ''
        out.note(`shared ${file.name} (${formatBytes(size ?? file.size)}): ${downloads}, until ${formatTime(link.expiresAt)}${locked}`)
      }
    }
    if (out.json) {
      out.result(results, () => '')
      if (values.qr) for (const { link } of results) io.stderr.write(`${renderUnicodeCompact(link.url)}\n`)
    }
  },
}
