import type { Services } from './services'

/** The origin links and the API document name: PUBLIC_URL, or where the request came in (Workers without it). */
export function publicOrigin(services: Services, requestUrl: string): string {
  return services.config.publicUrl ?? new URL(requestUrl).origin
}
