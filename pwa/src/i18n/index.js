// Message catalogs: zh-CN (default) and en. t(key, params) fills {placeholders} from params.
import zh from './zh-CN.json';
import en from './en.json';

export const CATALOGS = { 'zh-CN': zh, en };
export const LANGS = [['zh-CN', '中文'], ['en', 'English']];

let current = 'zh-CN';

export function setLang(lang) {
  current = CATALOGS[lang] ? lang : 'zh-CN';
  document.documentElement.lang = current;
  return current;
}

export function lang() { return current; }

/** Short language for template texts ({zh, en}). */
export function textLang() { return current === 'en' ? 'en' : 'zh'; }

export function t(key, params = {}) {
  const text = CATALOGS[current][key] ?? CATALOGS['zh-CN'][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => (params[k] ?? `{${k}}`));
}

/** A name from a packet list entry ({name_zh, name_en}). */
export function nameOf(entry) {
  if (!entry) return '';
  return (current === 'en' && entry.name_en) || entry.name_zh || entry.name || entry.code;
}
