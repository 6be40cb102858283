import { describe, expect, it } from 'vitest';
import { cacheName, cachesToDelete, draftBlocks, routeFor } from '../src/sw/logic.js';

const ORIGIN = 'https://field.example.cn';
const PRECACHE = ['/', '/assets/index-abc.js', '/assets/index-def.css', '/manifest.webmanifest', '/icons/icon-192.png'];
const route = (url, { method = 'GET', mode = 'cors' } = {}) => routeFor({ method, url: ORIGIN + url, mode }, ORIGIN, PRECACHE);

describe('service worker', () => {
  it('on activate deletes every cache but this version, including unknown ones', () => {
    expect(cachesToDelete(['ssgk-app-old', cacheName('v2'), 'workbox-runtime', 'other'], 'v2'))
      .toEqual(['ssgk-app-old', 'workbox-runtime', 'other']);
  });

  it.each([
    ['/', { mode: 'navigate' }, 'shell'],
    ['/index.html', { mode: 'navigate' }, 'shell'],
    ['/?utm=x', { mode: 'navigate' }, 'shell'],
    ['/api/docs', { mode: 'navigate' }, 'network'],
    ['/assets/index-abc.js', {}, 'precache'],
    ['/icons/icon-192.png', {}, 'precache'],
    ['/assets/unknown.js', {}, 'network'],
    ['/api/v1/field/packet', {}, 'network'],
    ['/healthz', {}, 'network'],
    ['/sw.js', {}, 'network'],
    ['/api/v1/uploads', { method: 'POST' }, 'network'],
  ])('routes %s %j to %s', (url, opts, expected) => {
    expect(route(url, opts)).toBe(expected);
  });

  it('never answers for another origin', () => {
    expect(routeFor({ method: 'GET', url: 'https://cdn.example.com/assets/index-abc.js', mode: 'cors' }, ORIGIN, PRECACHE)).toBe('network');
  });

  it('an open draft in a live window holds the update back; a closed window does not', () => {
    const drafts = new Map([['w1', false], ['w2', true]]);
    expect(draftBlocks(drafts, new Set(['w1', 'w2']))).toBe(true);
    expect(draftBlocks(drafts, new Set(['w1']))).toBe(false);
    expect(draftBlocks(new Map([['w1', false]]), new Set(['w1']))).toBe(false);
  });
});
