// Getting around the page: the top bar's links, one per panel in page order (the one most on
// screen marked active), and the skip link that takes a keyboard user straight to Play.

import { tr } from './i18n.js';

/** The skip link focuses Play (a plain #fragment would land in the settings hash). */
export function skipToPlay() {
  const link = document.getElementById('skip-to-play');
  if (!link) return;
  link.addEventListener('click', (e) => {
    e.preventDefault();
    const play = document.getElementById('btn-play');
    if (!play) return;
    play.scrollIntoView({ block: 'center' });
    play.focus();
  });
}

/** One #nav button per section with a data-title (not data-nav="no"), scrolling to it. */
export function buildNav() {
  const nav = document.getElementById('nav');
  if (!nav) return;
  for (const section of document.querySelectorAll('section.panel[data-title]')) {
    if (section.dataset.nav === 'no') continue;
    const a = document.createElement('button');
    a.type = 'button';
    a.className = 'nav-link';
    if (section.dataset.titleKey) tr(a, section.dataset.titleKey);
    else a.textContent = section.dataset.title;
    a.onclick = () => section.scrollIntoView({ behavior: 'smooth', block: 'start' });
    a.dataset.target = section.id;
    nav.append(a);
  }
  const links = new Map([...nav.children].map((a) => [a.dataset.target, a]));
  const seen = new Map();
  const io = new IntersectionObserver((entries) => {
    for (const e of entries) seen.set(e.target.id, e.isIntersecting ? e.intersectionRatio : 0);
    let best = null;
    for (const [id, r] of seen) if (r > 0 && (!best || r > seen.get(best))) best = id;
    for (const [id, a] of links) a.classList.toggle('active', id === best);
  }, { threshold: [0, 0.25, 0.5, 0.75, 1] });
  for (const id of links.keys()) io.observe(document.getElementById(id));
}
