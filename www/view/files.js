// Model files in and out of the versions list: "Download" (the Shrink model file: safetensors
// holding the true packed representation + JSON metadata), "Download ONNX" (opset 13), and an
// Upload button with a drag-and-drop zone that adds a Shrink file, a PyTorch state_dict
// (safetensors) or an ONNX MLP as a new version. The worker checks every file (crate::io); a
// bad file is an error in words and nothing is lost.

import { el, versionLabel, text } from '../ui.js';
import { t, tr, untr, reason } from '../i18n.js';
import { said } from '../rustmsg.js';

function fileName(v, ext) {
  const base = v.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  return `${v.id}-${base}.${ext}`;
}

function save(bytes, name, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The two download buttons of version `v`. */
export function downloadButtons(ctx, v) {
  const label = versionLabel(v);
  const st = text('button', 'files.download', { type: 'button', className: 'button small', title: t('files.downloadTitle', { label }) });
  st.dataset.download = 'safetensors';
  st.onclick = async () => {
    try {
      save(await ctx.call('versions', 'exportVersion', v.id), fileName(v, 'safetensors'), 'application/octet-stream');
    } catch (e) {
      ctx.notice('files.notDownloaded', 'error', { label, reason: reason(e) });
    }
  };
  const onnx = text('button', 'files.downloadOnnx', { type: 'button', className: 'button small', title: t('files.onnxTitle', { label }) });
  onnx.dataset.download = 'onnx';
  onnx.onclick = async () => {
    try {
      save(await ctx.call('versions', 'exportOnnx', v.id), fileName(v, 'onnx'), 'application/octet-stream');
    } catch (e) {
      ctx.notice('files.notExported', 'error', { label, reason: reason(e) });
    }
  };
  return [st, onnx];
}

/** Upload button, input-scaling choice and drop zone; `added(version)` runs after an import. */
export function uploadControls(ctx, added) {
  // The browser's own "Choose File" button speaks the browser's language, not the page's: the
  // input is hidden (still focusable) and a label in the page's language opens it.
  const input = tr(el('input', { type: 'file', id: 'files-upload', className: 'file-input', accept: '.safetensors,.onnx' }), 'files.uploadLabel', {}, { attr: 'aria-label' });
  const pick = text('label', 'files.choose', { className: 'button small file-pick', for: 'files-upload' });
  const scaling = tr(el('select', { id: 'files-scaling' },
    text('option', 'files.scale.auto', { value: 'auto' }),
    text('option', 'files.scale.unit', { value: 'unit' }),
    text('option', 'files.scale.meanStd', { value: 'mean-std' })), 'files.scalingLabel', {}, { attr: 'aria-label' });
  const status = el('span', { className: 'caption', id: 'files-status' });
  const zone = text('div', 'files.drop', { className: 'drop-zone', id: 'files-drop', tabIndex: 0 });

  async function load(file) {
    tr(status, 'files.checking', { name: file.name });
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const v = await ctx.call('versions', 'importFile', bytes, scaling.value, '');
      // The note is the worker's account of the file, as ids (Rust's `noteText`): said in the
      // page's language, and again after a language switch.
      tr(status, 'files.added', { name: file.name, label: versionLabel(v), note: said('note', v.noteText, v.note) });
      status.dataset.version = String(v.id);
      await added(v);
    } catch (e) {
      untr(status);
      ctx.notice('files.notAdded', 'error', { name: file.name, reason: reason(e) });
    }
  }
  input.onchange = () => {
    if (input.files && input.files[0]) load(input.files[0]);
    input.value = '';
  };
  zone.ondragover = (e) => {
    e.preventDefault();
    zone.classList.add('over');
  };
  zone.ondragleave = () => zone.classList.remove('over');
  zone.ondrop = (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const f = e.dataTransfer && e.dataTransfer.files[0];
    if (f) load(f);
  };
  return el('div', { className: 'files-upload' },
    el('span', {}, text('span', 'files.add'), ' ', input, pick), el('label', {}, ' ', text('span', 'files.pixels'), ' ', scaling), zone, status);
}
