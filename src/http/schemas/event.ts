import { z } from '@hono/zod-openapi'
import { LINK_EVENT_TYPES } from '../../core/events/model'
import { pageOf } from './page'

export const EventSchema = z
  .object({
    id: z.string().openapi({ example: 'Okt34tVHk2pQ9rT4w' }),
    type: z.enum(LINK_EVENT_TYPES).openapi({ description: 'What happened.', example: 'download_completed' }),
    at: z.string().openapi({ format: 'date-time', description: 'When, ISO 8601, UTC.', example: '2026-02-07T17:05:00.000Z' }),
    code: z
      .string()
      .optional()
      .openapi({ description: 'For `refused`: the problem code the request was answered with.', example: 'link_expired' }),
    bytes: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'For `download_completed` and `download_cut`: the bytes that transfer handed over.', example: 48213 }),
    address: z.string().optional().openapi({
      description:
        "The client's address as `EVENT_ADDRESS` keeps it: its network (`truncated`, the default: IPv4 /24, IPv6 /48) or whole; absent when `off`.",
      example: '203.0.113.0/24',
    }),
    userAgent: z.string().optional().openapi({ description: "The client's User-Agent, at most 256 characters.", example: 'curl/8.5.0' }),
  })
  .openapi('LinkEvent', { description: 'One audit event of a link.' })

export const EventPageSchema = pageOf(EventSchema, 'LinkEventPage')
