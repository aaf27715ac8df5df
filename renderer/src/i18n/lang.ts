// UI languages we ship and which one a system's language list picks (pure, unit-tested).
export type Lang = 'en' | 'zh-CN';

/** The first preferred language decides: any Chinese → Simplified Chinese (the only Chinese we ship), else English. */
export function systemLang(languages: readonly string[]): Lang {
  return /^zh(-|_|$)/i.test(languages[0] ?? '') ? 'zh-CN' : 'en';
}
