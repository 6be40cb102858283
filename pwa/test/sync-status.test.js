import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../src/i18n/index.js';
import { attentionReason } from '../src/views/sync-status.js';

globalThis.document ??= { documentElement: {} }; // setLang marks the page's language; no DOM here

describe('why a record needs attention', () => {
  afterEach(() => setLang('zh-CN'));

  it.each([
    ['field.not_your_assignment', 403],
    ['upload.not_your_record', 403],
  ])('%s reads as an assignment that is not yours, in both languages', (code, httpStatus) => {
    setLang('zh-CN');
    expect(attentionReason({ code, httpStatus, message: 'server words' })).toBe('该任务已不属于您。');
    setLang('en');
    expect(attentionReason({ code, httpStatus, message: 'server words' })).toBe('This assignment is no longer yours.');
  });

  it('an unknown code shows the status, the code and the server message', () => {
    setLang('en');
    expect(attentionReason({ code: 'x.y', httpStatus: 418, message: 'Teapot.' }))
      .toBe('Refused by the server (418, x.y). Teapot.');
  });
});
