// The top bar's language switch: one button per catalogue (www/i18n/), each named in its own
// language. Choosing one re-renders the page in place (i18n.js) and records `lang` in the
// address; a `lang` typed into the address switches too.

import { tr, setLocale, browserLocale, locale, LOCALES } from './i18n.js';

/** Builds the switch into #lang-switch (absent in embeds), tied to the address `state`. */
export function buildLangSwitch(state) {
  const box = document.getElementById('lang-switch');
  if (!box) return;
  const buttons = LOCALES.map((l) => {
    const b = tr(document.createElement('button'), `lang.${l}`);
    b.type = 'button';
    b.className = 'lang-button';
    b.lang = l === 'zh' ? 'zh-CN' : 'en';
    b.dataset.lang = l;
    b.onclick = () => {
      state.set('lang', l);
      setLocale(l);
      show();
    };
    box.append(b);
    return b;
  });
  const show = () => {
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.lang === locale()));
  };
  show();
  state.onPage((key, value) => {
    if (key === 'lang') {
      setLocale(value || browserLocale());
      show();
    }
  });
}
