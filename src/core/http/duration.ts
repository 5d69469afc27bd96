const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 } as const

/**
 * A link lifetime: whole seconds as a number or a digit string, or a number
 * with one unit ("90m", "24h", "7d"). Anything else, zero or negative is null.
 */
export function parseDuration(input: unknown): number | null {
  if (typeof input === 'number') {
    return Number.isSafeInteger(input) && input > 0 ? input : null
  }
  if (typeof input !== 'string' || input.length > 20) return null
  const match = /^\s*(\d{1,12})\s*([smhdw]?)\s*$/.exec(input)
  if (!match) return null
  const unit = (match[2] || 's') as keyof typeof UNIT_SECONDS
  const value = Number(match[1]) * UNIT_SECONDS[unit]
  return Number.isSafeInteger(value) && value > 0 ? value : null
}
