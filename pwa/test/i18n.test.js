import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import zh from '../src/i18n/zh-CN.json';
import en from '../src/i18n/en.json';

const SRC = new URL('../src/', import.meta.url).pathname;
const files = (dir) => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]))
  .filter((f) => f.endsWith('.js'));
const source = files(SRC).map((f) => readFileSync(f, 'utf8')).join('\n');
const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
  it('zh-CN and en have the same keys and the same placeholders', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const key of Object.keys(zh)) expect([key, placeholders(en[key])]).toEqual([key, placeholders(zh[key])]);
  });

  it('every literal key the code uses exists', () => {
    const used = new Set([...source.matchAll(/\bt\('([a-z_0-9.]+)'/g)].map((m) => m[1]));
    expect([...used].filter((k) => !(k in zh))).toEqual([]);
  });

  it('every problem code the checks produce has a message', () => {
    const validate = readFileSync(join(SRC, 'record/validate.js'), 'utf8');
    const codes = new Set([...validate.matchAll(/code: '([a-z_]+)'/g)].map((m) => m[1]));
    ['inspector', 'party', 'witness'].forEach((s) => codes.add(`signature_missing_${s}`));
    expect([...codes].filter((c) => !(`problem.${c}` in zh))).toEqual([]);
  });

  it.each([
    ['assignments.', ['today', 'upcoming', 'done', 'empty_today', 'empty_upcoming', 'empty_done']],
    ['check.step_', ['results', 'sign', 'review']],
    ['gps.', ['permission_denied', 'position_unavailable', 'timeout', 'unsupported', 'purpose_start', 'purpose_photo']],
    ['role.', ['system_admin', 'department_admin', 'inspector', 'team_lead', 'department_head', 'auditor']],
    ['review.scope_', ['question', 'item', 'results', 'methods', 'followup', 'officers', 'party']],
    ['review_status.', ['submitted', 'under_review', 'returned', 'lead_approved', 'approved', 'entered', 'published']],
    ['question.signature_', ['inspector', 'party', 'witness']],
    ['answer.', ['yes', 'no', 'na']],
  ])('keys built at run time exist: %s*', (prefix, names) => {
    expect(names.filter((n) => !(`${prefix}${n}` in zh))).toEqual([]);
  });
});
