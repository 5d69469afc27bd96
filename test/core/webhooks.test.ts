import { describe, expect, test } from 'vitest'
import { ConfigError } from '../../src/core/errors'
import { keptAddress, keptUserAgent } from '../../src/core/events/model'
import { checkReceiver, parseReceiverPolicy, receiverUrlProblem } from '../../src/core/webhooks/receivers'
import { newWebhookSecret, signWebhook } from '../../src/core/webhooks/signature'
import { verifyStandardWebhook } from '../support/webhook-receiver'

// The pure parts of events and webhooks: what an event keeps of an address,
// the receiver policy, and the signature as an independent verifier sees it.

describe('EVENT_ADDRESS', () => {
  test('off keeps nothing, truncated the /24 or /48, full the address', () => {
    expect(keptAddress('203.0.113.77', 'off')).toBeNull()
    expect(keptAddress('203.0.113.77', 'truncated')).toBe('203.0.113.0/24')
    expect(keptAddress('203.0.113.77', 'full')).toBe('203.0.113.77')
    expect(keptAddress('2001:db8:1234:5678::9', 'truncated')).toBe('2001:db8:1234::/48')
    expect(keptAddress('2001:db8:1234:5678::9', 'full')).toBe('2001:db8:1234:5678::9')
    // An IPv4 client seen through an IPv6 socket is an IPv4 client.
    expect(keptAddress('::ffff:198.51.100.200', 'truncated')).toBe('198.51.100.0/24')
    expect(keptAddress('unknown', 'truncated')).toBeNull()
  })

  test('a User-Agent is kept without control characters, at most 256 characters', () => {
    expect(keptUserAgent('curl/8.5.0\r\nX-Injected: 1')).toBe('curl/8.5.0X-Injected: 1')
    expect(keptUserAgent('a'.repeat(1000))).toHaveLength(256)
    expect(keptUserAgent(undefined)).toBeNull()
  })
})

describe('WEBHOOK_ALLOWED_HOSTS', () => {
  const resolveTo =
    (...addresses: string[]) =>
    async () =>
      addresses
  const allowed = async (url: string, policy: string, resolve = resolveTo('93.184.215.14')) =>
    (await checkReceiver(new URL(url), parseReceiverPolicy(policy, 'WEBHOOK_ALLOWED_HOSTS'), resolve)).ok

  test('external allows public addresses only, for every address a name resolves to', async () => {
    expect(await allowed('https://93.184.215.14/hook', 'external')).toBe(true)
    expect(await allowed('https://hooks.example.com/x', 'external')).toBe(true)
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
    ]) {
      expect(await allowed(`http://${address.includes(':') ? `[${address}]` : address}/`, 'external'), address).toBe(false)
      expect(
        await allowed('https://hooks.example.com/x', 'external', resolveTo('93.184.215.14', address)),
        `a name also resolving to ${address}`,
      ).toBe(false)
    }
    expect(await allowed('https://hooks.example.com/x', 'external', resolveTo())).toBe(false)
  })

  test('loopback, private, CIDRs and names allow what they say', async () => {
    expect(await allowed('http://127.0.0.1:8080/', 'loopback')).toBe(true)
    expect(await allowed('http://10.0.0.1/', 'loopback')).toBe(false)
    expect(await allowed('http://10.0.0.1/', 'private')).toBe(true)
    expect(await allowed('http://10.20.3.4/', '10.20.0.0/16')).toBe(true)
    expect(await allowed('http://10.21.3.4/', '10.20.0.0/16')).toBe(false)
    expect(await allowed('http://hooks.internal/', 'hooks.internal', resolveTo('10.9.9.9'))).toBe(true)
    expect(await allowed('http://other.internal/', 'hooks.internal', resolveTo('10.9.9.9'))).toBe(false)
    expect(await allowed('http://10.0.0.1/', '*')).toBe(true)
    expect(() => parseReceiverPolicy('nowhere!', 'WEBHOOK_ALLOWED_HOSTS')).toThrow(ConfigError)
    expect(() => parseReceiverPolicy(' , ', 'WEBHOOK_ALLOWED_HOSTS')).toThrow(ConfigError)
  })

  test('receiver URLs: http(s) only, no credentials, no fragment, bounded', () => {
    expect(receiverUrlProblem('https://hooks.example.com/x')).toBeNull()
    expect(receiverUrlProblem('ftp://hooks.example.com/x')).not.toBeNull()
    expect(receiverUrlProblem('https://user:pw@hooks.example.com/x')).not.toBeNull()
    expect(receiverUrlProblem('https://hooks.example.com/x#frag')).not.toBeNull()
    expect(receiverUrlProblem(`https://hooks.example.com/${'a'.repeat(3000)}`)).not.toBeNull()
    expect(receiverUrlProblem('not a url')).not.toBeNull()
  })
})

describe('Standard Webhooks signatures', () => {
  test("fuselink's signature passes a verifier written from the specification, and fails on any change", async () => {
    const secret = newWebhookSecret()
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    const body = '{"type":"webhook.test","timestamp":"2026-12-01T10:00:00.000Z","data":{"webhookId":"w1"}}'
    const timestamp = Math.floor(Date.now() / 1000)
    const signature = await signWebhook(secret, 'msg_1', timestamp, body)
    const request = (headers: Record<string, string>, text = body) => ({ headers, body: text, at: Date.now() })
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': signature }
    expect(verifyStandardWebhook(secret, request(headers))).toBe(true)
    expect(verifyStandardWebhook(secret, request(headers, `${body} `))).toBe(false)
    expect(verifyStandardWebhook(secret, request({ ...headers, 'webhook-id': 'msg_2' }))).toBe(false)
    expect(verifyStandardWebhook(secret, request({ ...headers, 'webhook-timestamp': String(timestamp + 1) }))).toBe(false)
    expect(verifyStandardWebhook(newWebhookSecret(), request(headers))).toBe(false)
    // The key is the secret's decoded bytes, not its text.
    const wrongKey = `whsec_${Buffer.from(secret).toString('base64')}`
    expect(verifyStandardWebhook(wrongKey, request(headers))).toBe(false)
  })
})
