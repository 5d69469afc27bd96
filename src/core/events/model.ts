import { newOrderedId } from '../ids'
import { formatIp, network, parseIp, unmapped } from '../net/ip'

/** What can happen to a link, as its audit events name it (docs/api.md, "Events"). */
export const LINK_EVENT_TYPES = [
  'page_viewed',
  'download_started',
  'download_completed',
  'download_cut',
  'resumed',
  'refused',
  'revoked',
  'exhausted',
] as const

export type LinkEventType = (typeof LINK_EVENT_TYPES)[number]

/** One audit event of a link. Times are milliseconds since the epoch. */
export interface LinkEvent {
  id: string
  linkId: string
  type: LinkEventType
  at: number
  /** The problem code of a refusal. */
  code: string | null
  /** Bytes a finished or cut transfer handed over. */
  bytes: number | null
  /** The client's address as EVENT_ADDRESS keeps it. */
  address: string | null
  userAgent: string | null
}

/** EVENT_ADDRESS: whether and how much of a client's address an event keeps. */
export type AddressPrivacy = 'off' | 'truncated' | 'full'

export const ADDRESS_PRIVACY: readonly AddressPrivacy[] = ['off', 'truncated', 'full']

/**
 * A client's address as an event keeps it: nothing, its network (IPv4 /24,
 * IPv6 /48, written as `203.0.113.0/24`), or whole. IPv4-mapped IPv6 (how a
 * dual-stack socket reports IPv4 clients) is kept as IPv4. What does not
 * parse as an address is kept only in `full` mode, and bounded.
 */
export function keptAddress(address: string, privacy: AddressPrivacy): string | null {
  if (privacy === 'off') return null
  const parsed = parseIp(address)
  if (!parsed) return privacy === 'full' ? address.slice(0, 64) : null
  const ip = unmapped(parsed)
  if (privacy === 'full') return formatIp(ip)
  const prefix = ip.version === 4 ? 24 : 48
  return `${formatIp(network(ip, prefix))}/${prefix}`
}

const MAX_USER_AGENT = 256

/** A User-Agent as an event keeps it: control characters dropped, at most 256 characters. */
export function keptUserAgent(userAgent: string | undefined): string | null {
  if (!userAgent) return null
  const cleaned = userAgent.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, MAX_USER_AGENT)
  return cleaned || null
}

/** The id of the one `revoked` event a link can have: writing it again keeps one row. */
export function revokedEventId(linkId: string): string {
  return `${linkId}-revoked`
}

/** A new event with a fresh id. */
export function linkEvent(
  linkId: string,
  type: LinkEventType,
  at: number,
  details: Partial<Pick<LinkEvent, 'id' | 'code' | 'bytes' | 'address' | 'userAgent'>> = {},
): LinkEvent {
  return {
    id: details.id ?? newOrderedId(at),
    linkId,
    type,
    at,
    code: details.code ?? null,
    bytes: details.bytes ?? null,
    address: details.address ?? null,
    userAgent: details.userAgent ?? null,
  }
}
