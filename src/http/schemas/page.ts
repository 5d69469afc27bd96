import { z } from '@hono/zod-openapi'

/** `?limit=&cursor=` of every list. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ description: 'The most items to return.', example: 50 }),
  cursor: z.string().max(200).optional().openapi({ description: 'The `nextCursor` of the previous page; omit for the first page.' }),
})

/** One page of a list: `{"items": [...], "nextCursor": "..." | null}`. */
export function pageOf<Item extends z.ZodType>(item: Item, name: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable().openapi({ description: 'Pass it back as `cursor` for the next page; `null` on the last page.' }),
    })
    .openapi(name)
}
