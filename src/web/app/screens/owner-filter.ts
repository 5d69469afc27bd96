import { byId, h } from '../dom'
import type { Owner } from '../model'

/*
 * The owner filter of the lists an admin sees. Answers to an admin name each
 * item's owner; when a list names two owners or more, a select offers them,
 * and choosing one asks the service again with ?owner=, so the list holds
 * that owner's items only. A user's answers name no owner: no filter.
 */

export interface OwnerFilter {
  /** The owner chosen, by id; '' for everyone. */
  readonly chosen: string
  /** `?owner=<id>` for the owner chosen, '' for everyone. */
  query(): string
  /** Offers the owners an unfiltered list names; shown when there are two or more (or one is chosen). */
  offer(items: readonly { owner?: Owner }[]): void
}

/** The filter of list `list` (its `<list>-owner-bar` and `<list>-owner` select); `onChange` reloads the list. */
export function ownerFilter(list: 'files' | 'links', onChange: () => void): OwnerFilter {
  const bar = byId(`${list}-owner-bar`)
  const select = byId<HTMLSelectElement>(`${list}-owner`)
  select.addEventListener('change', onChange)
  return {
    get chosen() {
      return select.value
    },
    query() {
      return select.value ? `?owner=${encodeURIComponent(select.value)}` : ''
    },
    offer(items) {
      const owners = new Map(items.flatMap((item) => (item.owner ? [[item.owner.id, item.owner.name] as const] : [])))
      const chosen = select.value
      bar.hidden = owners.size < 2 && !chosen
      select.replaceChildren(
        h('option', { value: '' }, 'Everyone'),
        ...[...owners]
          .sort((a, b) => a[1].localeCompare(b[1]))
          .map(([id, name]) => h('option', { value: id, selected: id === chosen }, name)),
      )
    },
  }
}
