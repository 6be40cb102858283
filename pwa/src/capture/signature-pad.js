// A signature pad: pointer events on a canvas, exported as a PNG Blob (then hashed as evidence).
// Shown in a modal <dialog>; resolves with the Blob, or null when cancelled.
import { h } from '../app/dom.js';
import { t } from '../i18n/index.js';

export function openSignaturePad({ title }) {
  return new Promise((resolve) => {
    const canvas = h('canvas', { class: 'sigpad', role: 'img', 'aria-label': t('sign.pad_label') });
    const status = h('p', { class: 'hint', 'aria-live': 'polite' }, t('sign.pad_hint'));
    let strokes = 0;
    let drawing = false;
    let ctx;

    const ok = h('button', { type: 'button', class: 'primary', disabled: true }, t('sign.done'));
    const dialog = h('dialog', { class: 'sheet', 'aria-labelledby': 'sigpad-title' },
      h('h2', { id: 'sigpad-title' }, title),
      canvas,
      status,
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: () => { clearPad(); } }, t('sign.clear')),
        h('button', { type: 'button', onclick: () => close(null) }, t('common.cancel')),
        ok));

    function setup() {
      const ratio = window.devicePixelRatio || 1;
      const rect = canvas.getBoundingClientRect();
      canvas.width = Math.round(rect.width * ratio);
      canvas.height = Math.round(rect.height * ratio);
      ctx = canvas.getContext('2d');
      ctx.scale(ratio, ratio);
      ctx.lineWidth = 2.5;
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      ctx.strokeStyle = '#000';
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, rect.width, rect.height);
    }

    function clearPad() {
      setup();
      strokes = 0;
      ok.disabled = true;
    }

    const point = (e) => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
    canvas.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      canvas.setPointerCapture(e.pointerId);
      drawing = true;
      ctx.beginPath();
      ctx.moveTo(...point(e));
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!drawing) return;
      for (const ev of e.getCoalescedEvents?.() ?? [e]) ctx.lineTo(...point(ev));
      ctx.stroke();
    });
    const end = () => {
      if (!drawing) return;
      drawing = false;
      strokes += 1;
      ok.disabled = false;
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);

    function close(value) {
      dialog.close();
      dialog.remove();
      resolve(value);
    }
    ok.addEventListener('click', () => {
      if (!strokes) return;
      canvas.toBlob((blob) => close(blob), 'image/png');
    });
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); close(null); });

    document.body.append(dialog);
    dialog.showModal();
    requestAnimationFrame(setup);
  });
}
