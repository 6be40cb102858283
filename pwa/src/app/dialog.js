// Accessible modal confirmation with <dialog> (focus is trapped and restored by the browser).
import { h } from './dom.js';
import { t } from '../i18n/index.js';

export function confirmDialog({ title, message, ok = t('common.ok'), cancel = t('common.cancel'), danger = false }) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'sheet', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-msg' },
      h('h2', { id: 'confirm-title' }, title),
      h('p', { id: 'confirm-msg' }, message),
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: () => done(false) }, cancel),
        h('button', { type: 'button', class: danger ? 'danger' : 'primary', onclick: () => done(true) }, ok)));
    function done(value) {
      dialog.close();
      dialog.remove();
      resolve(value);
    }
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); done(false); });
    document.body.append(dialog);
    dialog.showModal();
  });
}
