import type { Link, LinkWithAccess } from '../../client'
import { type Command, expectArguments, wholeNumber } from '../command'
import { parseLinkRef } from '../link-ref'
import { formatTime, ownerText, table } from '../output'

// A link without a limit (maxDownloads null) reads as unlimited, not as "null".
const downloads = (link: Link) => `${link.downloads}/${link.maxDownloads ?? 'unlimited'}`

export const links: Command = {
  name: 'links',
  summary: 'list links, newest first',
  usage: '[--file ID] [--owner ID] [--limit N] [--all]',
  help: [
    "--file ID     only this file's links",
    "--owner ID    only this owner's links (admins: any key or user id)",
    '--limit N     at most N links (default 50, at most 100 a page)',
    '--all         every link, page after page',
  ],
  options: { file: { type: 'string' }, owner: { type: 'string' }, limit: { type: 'string' }, all: { type: 'boolean' } },
  async run(context, values, positionals) {
    expectArguments(positionals, { min: 0, max: 0 }, '')
    const client = context.client()
    const query = {
      fileId: values.file as string | undefined,
      owner: values.owner as string | undefined,
      limit: wholeNumber(values.limit, 'limit', 100),
    }
    let page: { items: Link[]; nextCursor: string | null }
    if (values.all) {
      const items: Link[] = []
      for await (const link of client.links.all(query)) items.push(link)
      page = { items, nextCursor: null }
    } else {
      page = await client.links.list(query)
    }
    const withOwner = page.items.some((link) => link.owner)
    context.out.result(page, () =>
      page.items.length === 0
        ? 'no links'
        : table(
            ['ID', 'STATUS', 'DOWNLOADS', 'EXPIRES', 'FILE', ...(withOwner ? ['OWNER'] : [])],
            page.items.map((link) => [
              link.id,
              link.status,
              downloads(link),
              formatTime(link.expiresAt),
              link.fileId,
              ...(withOwner ? [ownerText(link.owner)] : []),
            ]),
          ),
    )
    if (page.nextCursor) context.out.note('more links: --all lists them all')
  },
}

export const link: Command = {
  name: 'link',
  summary: 'show one link: counters, status, URLs',
  usage: 'ID|URL',
  help: [],
  options: {},
  async run(context, _values, positionals) {
    expectArguments(positionals, { min: 1, max: 1 }, 'ID|URL (the link)')
    const found: LinkWithAccess = await context.client().links.get(parseLinkRef(positionals[0]!).id)
    context.out.result(found, () =>
      table(
        ['FIELD', 'VALUE'],
        [
          ['id', found.id],
          ['status', found.status],
          [
            'downloads',
            found.maxDownloads === null
              ? `${found.downloads} of unlimited`
              : `${found.downloads} of ${found.maxDownloads} (${found.remaining} left)`,
          ],
          ['expires', formatTime(found.expiresAt)],
          ['not before', formatTime(found.notBefore)],
          ['file', found.fileId],
          ...(found.filename ? [['filename', found.filename]] : []),
          ...(found.owner ? [['owner', ownerText(found.owner)]] : []),
          ['created', formatTime(found.createdAt)],
          ['revoked', formatTime(found.revokedAt)],
          ['url', found.url],
          ['download url', found.downloadUrl],
        ],
      ).slice(1),
    )
  },
}

export const revoke: Command = {
  name: 'revoke',
  summary: 'revoke links by id, URL or token: they stop at once',
  usage: 'ID|URL...',
  help: [],
  options: {},
  async run(context, _values, positionals) {
    expectArguments(positionals, { min: 1 }, 'ID|URL (the links to revoke)')
    const refs = positionals.map(parseLinkRef)
    const client = context.client()
    for (const ref of refs) {
      if (ref.token) await client.links.revokeToken(ref.token)
      else await client.links.revoke(ref.id)
      context.out.note(`revoked link ${ref.id}`)
    }
    if (context.out.json) context.out.result({ revoked: refs.map((ref) => ref.id) }, () => '')
  },
}
