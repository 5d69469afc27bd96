import { LocalError } from './exit'
import type { Io } from './output'

/** Longest secret read; more is a mistake (a file piped by accident), not a password. */
const MAX_SECRET = 1024

/**
 * A password, never from the command line (where `ps` and shell history
 * would show it): typed at the terminal without echo, or the first line of
 * stdin when stdin is not a terminal (`printf '%s\n' "$PW" | fuselink …`).
 */
export async function readSecret(io: Io, prompt: string): Promise<string> {
  const secret = io.stdin.isTTY ? await typed(io, prompt) : await firstLine(io.stdin)
  if (secret === '') throw new LocalError('no password given: type one, or pipe it as the first line of stdin')
  return secret
}

function typed(io: Io, prompt: string): Promise<string> {
  const { stdin, stderr } = io
  stderr.write(prompt)
  stdin.setRawMode(true)
  stdin.setEncoding('utf8')
  stdin.resume()
  return new Promise((resolve, reject) => {
    let text = ''
    const finish = (error?: Error) => {
      stdin.off('data', onData)
      stdin.setRawMode(false)
      stdin.pause()
      stderr.write('\n')
      if (error) reject(error)
      else resolve(text)
    }
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish()
        if (char === '\u0003') return finish(new LocalError('interrupted'))
        if (char === '\u007f' || char === '\b') text = text.slice(0, -1)
        else if (text.length < MAX_SECRET) text += char
      }
    }
    stdin.on('data', onData)
  })
}

async function firstLine(stdin: NodeJS.ReadStream): Promise<string> {
  let text = ''
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8')
    const end = text.search(/\r?\n/)
    if (end >= 0) return text.slice(0, end)
    if (text.length > MAX_SECRET) throw new LocalError(`the password on stdin is longer than ${MAX_SECRET} characters`)
  }
  return text
}
