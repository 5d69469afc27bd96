// Link unfurlers, mail scanners and crawlers that fetch a URL to show or
// check it, never to download it for a person. Matched case-insensitively.
const PREVIEWER_AGENTS =
  /slackbot|slack-imgproxy|facebookexternalhit|facebot|twitterbot|linkedinbot|whatsapp|telegrambot|discordbot|skypeuripreview|microsoftpreview|microsoft preview|bingpreview|googlebot|google-pagerenderer|googleimageproxy|applebot|yahoo! slurp|yahoomailproxy|redditbot|pinterest|embedly|iframely|mastodon|bitlybot|vkshare|snapchat|viber|line-poker|kakaotalk-scrap|mimecast|proofpoint|barracuda|outlook-ios-linkpreview|ms-office|microsoft office/i

/** True for a user agent that previews links rather than downloading for a person. */
export function isPreviewer(userAgent: string | null | undefined): boolean {
  return !!userAgent && PREVIEWER_AGENTS.test(userAgent)
}

/** True for a request the browser marks as speculative: a prefetch or prerender. */
export function isPrefetch(headers: { get(name: string): string | null }): boolean {
  const purpose = `${headers.get('sec-purpose') ?? ''} ${headers.get('purpose') ?? ''} ${headers.get('x-purpose') ?? ''} ${headers.get('x-moz') ?? ''}`
  return /\b(prefetch|prerender|preview)\b/i.test(purpose)
}
