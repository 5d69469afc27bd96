import type { FileInfo } from '../../client'
import { type Command, expectArguments, wholeNumber } from '../command'
import { formatBytes, formatTime, ownerText, table } from '../output'

export const files: Command = {
  name: 'files',
  summary: 'list files, newest first',
  usage: '[--owner ID] [--limit N] [--all]',
  help: [
    "--owner ID    only this owner's files (admins: any key or user id)",
    '--limit N     at most N files (default 50, at most 100 a page)',
    '--all         every file, page after page',
  ],
  options: { owner: { type: 'string' }, limit: { type: 'string' }, all: { type: 'boolean' } },
  async run(context, values, positionals) {
    expectArguments(positionals, { min: 0, max: 0 }, '')
    const client = context.client()
    const query = { owner: values.owner as string | undefined, limit: wholeNumber(values.limit, 'limit', 100) }
    let page: { items: FileInfo[]; nextCursor: string | null }
    if (values.all) {
      const items: FileInfo[] = []
      for await (const file of client.files.all(query)) items.push(file)
      page = { items, nextCursor: null }
    } else {
      page = await client.files.list(query)
    }
    const withOwner = page.items.some((file) => file.owner)
    context.out.result(page, () =>
      page.items.length === 0
        ? 'no files'
        : table(
            ['ID', 'SIZE', 'CREATED', ...(withOwner ? ['OWNER'] : []), 'NAME'],
            page.items.map((file) => [
              file.id,
              formatBytes(file.size),
              formatTime(file.createdAt),
              ...(withOwner ? [ownerText(file.owner)] : []),
              file.name,
            ]),
          ),
    )
    if (page.nextCursor) context.out.note('more files: --all lists them all')
  },
}

export const rm: Command = {
  name: 'rm',
  summary: 'delete files: every link to them stops working',
  usage: 'ID...',
  help: [],
  options: {},
  async run(context, _values, ids) {
    expectArguments(ids, { min: 1 }, 'ID (the files to delete)')
    const client = context.client()
    for (const id of ids) {
      await client.files.delete(id)
      context.out.note(`deleted file ${id}`)
    }
    if (context.out.json) context.out.result({ deleted: ids }, () => '')
  },
}
