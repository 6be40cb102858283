import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError } from '../src/api/client.js';
import { classifyError, classifyStatus, retryAfterMs } from '../src/sync/classify.js';
import { backoffDelay, backoffStep } from '../src/sync/backoff.js';

describe('response classification', () => {
  it.each([
    [200, 'ok'], [201, 'ok'], [204, 'ok'],
    [408, 'retry'], [429, 'retry'], [500, 'retry'], [502, 'retry'], [503, 'retry'], [504, 'retry'],
    [401, 'signin'],
    [409, 'conflict'], [412, 'conflict'], [422, 'conflict'],
    [400, 'rejected'], [403, 'rejected'], [404, 'rejected'], [413, 'rejected'], [428, 'rejected'],
  ])('%i is %s', (status, kind) => {
    expect(classifyStatus(status)).toBe(kind);
    expect(classifyError(new ApiError(status, {}))).toBe(kind);
  });

  it('a network error or a timeout is retried', () => {
    expect(classifyError(new NetworkError('timeout'))).toBe('retry');
    expect(classifyError(new TypeError('Failed to fetch'))).toBe('retry');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('120')).toBe(120000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10000);
    expect(retryAfterMs(null)).toBeNull();
  });
});

describe('backoff', () => {
  it('doubles from one second and stops at five minutes', () => {
    expect(Array.from({ length: 12 }, (_, n) => backoffStep(n) / 1000)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]);
    expect(backoffStep(1e6)).toBe(300000);
  });

  it('jitters within the upper half of each step and never passes the cap', () => {
    for (let n = 0; n < 15; n += 1) {
      expect(backoffDelay(n, () => 0)).toBe(backoffStep(n) / 2);
      expect(backoffDelay(n, () => 0.999999)).toBeLessThanOrEqual(backoffStep(n));
      expect(backoffDelay(n, () => 0.999999)).toBeLessThanOrEqual(300000);
    }
  });
});
