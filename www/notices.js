// Notices: the page's messages in words (errors, warnings), shown in the #notices strip. A keyed
// notice re-renders when the language changes; the same notice shown twice flashes the first
// instead of stacking a copy. Panels reach these through ctx.notice and ctx.showError.

import { tr, reason } from './i18n.js';

const notices = document.getElementById('notices');
const shown = new Map();

/**
 * Shows a notice. `message` is a catalogue key with `params` (re-rendered when the language
 * changes), or an Error / a sentence that came from elsewhere (a Rust error), shown as the
 * catalogue's `main.error` wrapping it.
 */
export function notice(message, kind = 'error', params = null) {
  // A message to render later (`msg(key, params)` from i18n.js) is a keyed notice.
  if (message && message.$t) {
    params = message.params || {};
    message = message.$t;
  }
  const keyed = typeof message === 'string' && params !== null;
  const raw = String(message && message.message ? message.message : message);
  const text = keyed ? `${message}:${JSON.stringify(params)}` : raw;
  if (shown.has(text)) {
    shown.get(text).classList.remove('flash');
    void shown.get(text).offsetWidth;
    shown.get(text).classList.add('flash');
    return;
  }
  const el = document.createElement('div');
  el.className = `notice notice-${kind}`;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  const p = document.createElement('p');
  // Rich: `code` in a message (an address key such as `quantize.bits`) is set as code.
  if (keyed) tr(p, message, params, { isRich: true });
  else tr(p, 'main.error', { reason: reason(message) });
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'notice-close';
  tr(close, 'main.dismiss', {}, { attr: 'aria-label' });
  close.textContent = '×';
  close.onclick = () => {
    el.remove();
    shown.delete(text);
  };
  el.append(p, close);
  notices.append(el);
  shown.set(text, el);
}

export function showError(err) {
  notice(err, 'error');
}
