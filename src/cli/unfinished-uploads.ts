import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { configPath, writePrivateJson } from './config'

/*
 * Uploads in parts that a run of `fuselink share` left unfinished, so that
 * the next run sends only the parts the service lacks (docs/cli.md,
 * "Resuming"). One file, uploads.json beside the config file, owner-only.
 * An entry names one version of one file on one service: the service's URL,
 * the file's absolute path, its size and its modification time. It is a
 * cache: a missing or unreadable file means nothing to resume.
 */

export interface UploadedFile {
  url: string
  path: string
  size: number
  mtime: number
}

interface Entry extends UploadedFile {
  id: string
  expiresAt: string
}

/** More than anyone leaves unfinished; the oldest go first. */
const MAX_ENTRIES = 100
const ID = /^[\w-]{1,128}$/

type Env = Record<string, string | undefined>

export function unfinishedUploadsPath(env: Env): string {
  return join(dirname(configPath(env)), 'uploads.json')
}

function isEntry(value: unknown): value is Entry {
  const entry = value as Partial<Entry> | null
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.url === 'string' &&
    typeof entry.path === 'string' &&
    typeof entry.size === 'number' &&
    typeof entry.mtime === 'number' &&
    typeof entry.id === 'string' &&
    ID.test(entry.id) &&
    typeof entry.expiresAt === 'string'
  )
}

const same = (entry: UploadedFile, file: UploadedFile) =>
  entry.url === file.url && entry.path === file.path && entry.size === file.size && entry.mtime === file.mtime

/** The unfinished uploads of one config directory; `warn` hears of a file that cannot be written (the upload goes on). */
export class UnfinishedUploads {
  constructor(
    readonly path: string,
    private readonly warn: (message: string) => void,
  ) {}

  /** The upload id left for this file on this service, if any. */
  find(file: UploadedFile): string | undefined {
    return this.#read().find((entry) => same(entry, file))?.id
  }

  remember(file: UploadedFile, upload: { id: string; expiresAt: string }): void {
    const now = Date.now()
    const kept = this.#read().filter((entry) => !same(entry, file) && Date.parse(entry.expiresAt) > now)
    this.#write([...kept, { ...file, id: upload.id, expiresAt: upload.expiresAt }].slice(-MAX_ENTRIES))
  }

  forget(file: UploadedFile): void {
    const entries = this.#read()
    const kept = entries.filter((entry) => !same(entry, file))
    if (kept.length !== entries.length) this.#write(kept)
  }

  #read(): Entry[] {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.path, 'utf8'))
      return Array.isArray(parsed) ? parsed.filter(isEntry) : []
    } catch {
      return []
    }
  }

  #write(entries: Entry[]): void {
    try {
      writePrivateJson(this.path, entries)
    } catch (error) {
      this.warn(`cannot write ${this.path}, so this upload cannot be resumed: ${(error as Error).message}`)
    }
  }
}
