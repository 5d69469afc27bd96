import { type Clock, systemClock } from './clock'

/** What the entries give the app to log with: a message and a few fields. */
export type Log = (message: string, fields?: Record<string, unknown>) => void

const MASK = '[secret]'
// Shorter values occur by chance in ordinary text, and masking them would
// garble the line; no key fuselink accepts is that short.
const MIN_MASKED_LENGTH = 8

/**
 * `text` with every secret value in it replaced, as written and as it reads
 * inside a JSON string (a JWK's quotes escaped). Nothing should hand a secret
 * to a log or an error message in the first place; this is the second line.
 */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  for (const secret of secrets) {
    if (secret.length < MIN_MASKED_LENGTH) continue
    text = text.replaceAll(secret, MASK).replaceAll(JSON.stringify(secret).slice(1, -1), MASK)
  }
  return text
}

/**
 * One JSON object per line (time, message, fields): what Workers Logs,
 * `wrangler tail` and log collectors on a server index best. `write` gets
 * each line without its newline.
 */
export function jsonLogger(write: (line: string) => void, options: { secrets?: readonly string[]; clock?: Clock } = {}): Log {
  const { secrets = [], clock = systemClock } = options
  return (message, fields = {}) => {
    write(maskSecrets(JSON.stringify({ time: new Date(clock.now()).toISOString(), message, ...fields }), secrets))
  }
}
