// UI language: English or Simplified Chinese, defaulting to the system language, switchable and
// remembered. `t(key, vars)` fills {placeholders}.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type MessageKey } from './en';
import { zhCN } from './zh-CN';
import { systemLang, type Lang } from './lang';

export type { Lang } from './lang';

export const LANGS: { id: Lang; label: string }[] = [{ id: 'en', label: 'English' }, { id: 'zh-CN', label: '简体中文' }];
const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };
const STORAGE_KEY = 'smolalbum.lang';

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** Keys with a singular form `<key>.one` (English needs it; the others repeat the plural). */
export type CountKey = 'grid.photos' | 'albums.count' | 'status.photos' | 'search.results';
export type TranslateCount = (key: CountKey, count: number) => string;

interface I18n { lang: Lang; setLang(lang: Lang): void; t: Translate; tn: TranslateCount }
const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => {
    const saved = localStorage.getItem(STORAGE_KEY);
    return saved === 'en' || saved === 'zh-CN' ? saved : systemLang(navigator.languages?.length ? navigator.languages : [navigator.language]);
  });
  const setLang = useCallback((next: Lang) => { localStorage.setItem(STORAGE_KEY, next); setLangState(next); }, []);
  useEffect(() => { document.documentElement.lang = lang; }, [lang]);
  const t = useCallback<Translate>((key, vars) => {
    const text = dictionaries[lang][key] ?? en[key] ?? key;
    return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
  }, [lang]);
  const tn = useCallback<TranslateCount>((key, count) =>
    (count === 1 ? t(`${key}.one`) : t(key, { count: count.toLocaleString(lang) })), [t, lang]);
  const value = useMemo(() => ({ lang, setLang, t, tn }), [lang, setLang, t, tn]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}

export const useT = (): Translate => useI18n().t;
