/**
 * IP addresses as bytes: parsing (IPv4 dotted quads, IPv6 with `::`, an
 * embedded IPv4 tail or a zone), CIDR blocks, and the ranges the webhook
 * receiver rules and the event address privacy need. Pure, no runtime API.
 */

export interface IpAddress {
  version: 4 | 6
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array
}

export interface Cidr {
  address: IpAddress
  prefix: number
}

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.')
  if (parts.length !== 4) return null
  const bytes = new Uint8Array(4)
  for (const [i, part] of parts.entries()) {
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return null
    bytes[i] = Number(part)
  }
  return bytes
}

function parseIpv6(text: string): Uint8Array | null {
  const zoneless = text.replace(/%[0-9A-Za-z._~-]+$/, '')
  const halves = zoneless.split('::')
  if (halves.length > 2) return null
  const groups = (half: string): number[] | null => {
    if (half === '') return []
    const out: number[] = []
    const pieces = half.split(':')
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece)
        if (!v4) return null
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!)
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(piece)) {
        out.push(Number.parseInt(piece, 16))
      } else {
        return null
      }
    }
    return out
  }
  const head = groups(halves[0]!)
  const tail = halves.length === 2 ? groups(halves[1]!) : []
  if (!head || !tail) return null
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null
  const all = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail]
  const bytes = new Uint8Array(16)
  for (const [i, group] of all.entries()) {
    bytes[2 * i] = group >> 8
    bytes[2 * i + 1] = group & 0xff
  }
  return bytes
}

/** An IPv4 or IPv6 address (IPv6 optionally in brackets, as in a URL's host), or null. */
export function parseIp(text: string): IpAddress | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  const v4 = parseIpv4(bare)
  if (v4) return { version: 4, bytes: v4 }
  const v6 = bare.includes(':') ? parseIpv6(bare) : null
  return v6 ? { version: 6, bytes: v6 } : null
}

const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a dual-stack socket reports) as the IPv4 address it is. */
export function unmapped(address: IpAddress): IpAddress {
  if (address.version === 6 && MAPPED_PREFIX.every((byte, i) => address.bytes[i] === byte)) {
    return { version: 4, bytes: address.bytes.slice(12) }
  }
  return address
}

export function formatIp(address: IpAddress): string {
  if (address.version === 4) return Array.from(address.bytes).join('.')
  const groups = Array.from({ length: 8 }, (_, i) => (address.bytes[2 * i]! << 8) | address.bytes[2 * i + 1]!)
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let bestStart = -1
  let bestLength = 1
  for (let i = 0; i < 8; ) {
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLength) {
      bestStart = i
      bestLength = j - i
    }
    i = j === i ? i + 1 : j
  }
  const hex = groups.map((g) => g.toString(16))
  if (bestStart < 0) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`
}

/** The address with every bit past `prefix` cleared. */
export function network(address: IpAddress, prefix: number): IpAddress {
  const bytes = address.bytes.slice()
  for (let bit = prefix; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7))
  return { version: address.version, bytes }
}

/** `a.b.c.d/n` or `x::/n`, or null. */
export function parseCidr(text: string): Cidr | null {
  const [host, prefixText, extra] = text.split('/')
  if (extra !== undefined || prefixText === undefined || !/^\d{1,3}$/.test(prefixText)) return null
  const address = parseIp(host!)
  const prefix = Number(prefixText)
  if (!address || prefix > address.bytes.length * 8) return null
  return { address, prefix }
}

export function inCidr(address: IpAddress, cidr: Cidr): boolean {
  if (address.version !== cidr.address.version) return false
  const masked = network(address, cidr.prefix).bytes
  const base = network(cidr.address, cidr.prefix).bytes
  return masked.every((byte, i) => byte === base[i])
}

const cidrs = (...list: string[]) => list.map((text) => parseCidr(text)!)

const LOOPBACK = cidrs('127.0.0.0/8', '::1/128')
const PRIVATE = cidrs('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7')
/**
 * Everything that is not a public unicast address: "this network", link-local
 * (cloud metadata at 169.254.169.254 included), IETF and documentation
 * blocks, benchmarking, multicast, reserved, and their IPv6 counterparts.
 * Loopback and private ranges are classed on their own above.
 */
const SPECIAL = cidrs(
  '0.0.0.0/8',
  '169.254.0.0/16',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/128',
  '100::/64',
  '2001::/23',
  '2001:db8::/32',
  'fe80::/10',
  'fec0::/10',
  'ff00::/8',
)
// IPv6 forms that carry an IPv4 address a packet may end up at.
const NAT64 = parseCidr('64:ff9b::/96')!
const SIX_TO_FOUR = parseCidr('2002::/16')!
const GLOBAL_UNICAST_V6 = parseCidr('2000::/3')!

export type AddressClass = 'loopback' | 'private' | 'public' | 'special'

/** Which kind of address this is, for the receiver rules of webhooks (docs/webhooks.md). */
export function classify(input: IpAddress): AddressClass {
  const address = unmapped(input)
  if (address.version === 6) {
    if (inCidr(address, NAT64)) return classify({ version: 4, bytes: address.bytes.slice(12) })
    if (inCidr(address, SIX_TO_FOUR)) return classify({ version: 4, bytes: address.bytes.slice(2, 6) })
  }
  if (LOOPBACK.some((c) => inCidr(address, c))) return 'loopback'
  if (PRIVATE.some((c) => inCidr(address, c))) return 'private'
  if (SPECIAL.some((c) => inCidr(address, c))) return 'special'
  if (address.version === 6 && !inCidr(address, GLOBAL_UNICAST_V6)) return 'special'
  return 'public'
}
