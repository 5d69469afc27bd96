import { describe, expect, test } from 'vitest'
import { readAppConfig } from '../../src/core/config'
import { ConfigError } from '../../src/core/errors'
import { FailureLimiter } from '../../src/core/rate-limit'

describe('readAppConfig', () => {
  test('defaults follow API.md', () => {
    expect(readAppConfig({}, 'http://localhost:8787')).toEqual({
      publicUrl: 'http://localhost:8787',
      maxUploadBytes: 5 * 1024 ** 3,
      maxLinkTtl: 2_592_000,
      resumeGrace: 3600,
      rateLimit: 120,
      s3: null,
    })
  })

  test('reads every setting', () => {
    const config = readAppConfig(
      {
        PUBLIC_URL: 'https://share.example.com/',
        MAX_UPLOAD_BYTES: '1024',
        MAX_LINK_TTL: '60',
        RESUME_GRACE: '0',
        RATE_LIMIT: '0',
        S3_BUCKET: 'b',
        S3_ENDPOINT: 'http://127.0.0.1:9000',
        S3_REGION: 'auto',
        S3_ACCESS_KEY_ID: 'id',
        S3_SECRET_ACCESS_KEY: 'secret',
        S3_FORCE_PATH_STYLE: 'true',
      },
      null,
    )
    expect(config).toEqual({
      publicUrl: 'https://share.example.com',
      maxUploadBytes: 1024,
      maxLinkTtl: 60,
      resumeGrace: 0,
      rateLimit: 0,
      s3: {
        bucket: 'b',
        endpoint: 'http://127.0.0.1:9000',
        region: 'auto',
        accessKeyId: 'id',
        secretAccessKey: 'secret',
        forcePathStyle: true,
      },
    })
  })

  test.each([
    ['MAX_UPLOAD_BYTES', { MAX_UPLOAD_BYTES: 'lots' }],
    ['MAX_UPLOAD_BYTES', { MAX_UPLOAD_BYTES: '0' }],
    ['MAX_LINK_TTL', { MAX_LINK_TTL: '-5' }],
    ['RESUME_GRACE', { RESUME_GRACE: '1.5' }],
    ['RATE_LIMIT', { RATE_LIMIT: 'ten' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'not a url' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'ftp://example.com' }],
    ['S3_ENDPOINT', { S3_BUCKET: 'b', S3_ENDPOINT: '::' }],
    ['S3_SECRET_ACCESS_KEY', { S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'id' }],
    ['S3_FORCE_PATH_STYLE', { S3_BUCKET: 'b', S3_FORCE_PATH_STYLE: 'maybe' }],
  ])('a bad %s is named', (setting, env) => {
    const error = (() => {
      try {
        readAppConfig(env, null)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).setting).toBe(setting)
    expect((error as ConfigError).message.startsWith(`${setting}:`)).toBe(true)
  })
})

describe('FailureLimiter', () => {
  test('allows RATE_LIMIT failures per address per minute, then refuses until the window passes', () => {
    let now = 0
    const limiter = new FailureLimiter(3, { now: () => now })
    expect([1, 2, 3, 4, 5].map(() => limiter.fail('10.0.0.1'))).toEqual([false, false, false, true, true])
    expect(limiter.fail('10.0.0.2')).toBe(false)
    now += 60_000
    expect(limiter.fail('10.0.0.1')).toBe(false)
  })

  test('0 disables it', () => {
    const limiter = new FailureLimiter(0, { now: () => 0 })
    expect(Array.from({ length: 1000 }, () => limiter.fail('a')).some(Boolean)).toBe(false)
  })
})
