import { ConfigError } from '../errors'
import { type AddressClass, type Cidr, classify, formatIp, inCidr, parseCidr, parseIp } from '../net/ip'

/**
 * WEBHOOK_ALLOWED_HOSTS, parsed: where webhook deliveries may go (docs/webhooks.md,
 * "Where deliveries may go"). A receiver is allowed when every address its
 * host resolves to is in an allowed class or block, or when its host name is
 * listed by name (the operator vouches for it, whatever it resolves to).
 */
export interface ReceiverPolicy {
  /** `*`: anything, no check. */
  any: boolean
  /** `external` allows public addresses, `loopback` and `private` those ranges. */
  classes: ReadonlySet<AddressClass>
  names: ReadonlySet<string>
  blocks: readonly Cidr[]
}

const KEYWORDS: Record<string, AddressClass> = { external: 'public', loopback: 'loopback', private: 'private' }
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/

/** The policy from its setting's text: a comma list of `external`, `loopback`, `private`, `*`, host names and CIDR blocks. */
export function parseReceiverPolicy(text: string, name: string): ReceiverPolicy {
  const classes = new Set<AddressClass>()
  const names = new Set<string>()
  const blocks: Cidr[] = []
  let any = false
  for (const raw of text.split(',')) {
    const item = raw.trim().toLowerCase().replace(/\.$/, '')
    if (item === '') continue
    if (item === '*') any = true
    else if (item in KEYWORDS) classes.add(KEYWORDS[item]!)
    else if (item.includes('/')) {
      const block = parseCidr(item)
      if (!block) throw new ConfigError(name, `"${item}" is not a CIDR block such as 10.0.0.0/8 or fd00::/8`)
      blocks.push(block)
    } else if (parseIp(item)) {
      const address = parseIp(item)!
      blocks.push({ address, prefix: address.bytes.length * 8 })
    } else if (HOST_NAME.test(item)) names.add(item)
    else throw new ConfigError(name, `"${item}" is neither external, loopback, private, *, a host name nor a CIDR block`)
  }
  if (!any && classes.size === 0 && names.size === 0 && blocks.length === 0) throw new ConfigError(name, 'allows nothing')
  return { any, classes, names, blocks }
}

export const DEFAULT_RECEIVER_POLICY: ReceiverPolicy = parseReceiverPolicy('external', 'WEBHOOK_ALLOWED_HOSTS')

/** Resolves a host name to its addresses (A and AAAA), or throws. */
export type HostResolver = (host: string) => Promise<string[]>

export type ReceiverCheck =
  /** `address`: connect there and nowhere else (null: the host was not resolved, it needs no check). */
  { ok: true; address: string | null } | { ok: false; reason: string }

function addressAllowed(policy: ReceiverPolicy, text: string): boolean {
  const address = parseIp(text)
  if (!address) return false
  return policy.classes.has(classify(address)) || policy.blocks.some((block) => inCidr(address, block))
}

const MAX_URL_LENGTH = 2048

/** A receiver URL's shape, before any address is looked at: http(s), no credentials, bounded. Null when it is fine. */
export function receiverUrlProblem(url: string): string | null {
  if (url.length > MAX_URL_LENGTH) return `at most ${MAX_URL_LENGTH} characters`
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return 'not a URL'
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must be an http:// or https:// URL'
  if (parsed.username || parsed.password) return 'must not carry credentials (user:password@)'
  if (parsed.hash) return 'must not have a fragment'
  return null
}

/**
 * Whether a delivery to `url` may go out, and to which address: at
 * subscription (a refusal is 400) and again before every attempt, after
 * resolving the host anew. The sender connects to the address given here,
 * so the check and the connection see the same resolution.
 */
export async function checkReceiver(url: URL, policy: ReceiverPolicy, resolve: HostResolver): Promise<ReceiverCheck> {
  if (policy.any) return { ok: true, address: null }
  const host = url.hostname.toLowerCase().replace(/\.$/, '')
  const literal = parseIp(host)
  if (literal) {
    const text = formatIp(literal)
    return addressAllowed(policy, text) ? { ok: true, address: text } : { ok: false, reason: refusal(host, text) }
  }
  if (policy.names.has(host)) return { ok: true, address: null }
  let addresses: string[]
  try {
    addresses = await resolve(host)
  } catch (error) {
    return { ok: false, reason: `${host} could not be resolved (${error instanceof Error ? error.message : String(error)})` }
  }
  if (addresses.length === 0) return { ok: false, reason: `${host} resolves to no address` }
  const refused = addresses.find((address) => !addressAllowed(policy, address))
  if (refused !== undefined) return { ok: false, reason: refusal(host, refused) }
  return { ok: true, address: addresses[0]! }
}

function refusal(host: string, address: string): string {
  const shown = host === address || host === `[${address}]` ? address : `${host} (${address})`
  return `${shown} is not an address WEBHOOK_ALLOWED_HOSTS allows`
}
