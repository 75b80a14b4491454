// Versions survive a reload: each version is kept in IndexedDB as the bytes of its model file
// (safetensors + Shrink metadata: name, recipe, seed; written by the worker's `versions` lab),
// with its parent's id. On load they are handed back to the worker in order, which checks each
// file and measures it again (so each re-evaluates to its accuracy on the test digits).

import { reason, TextError } from '../i18n.js';

const DB = 'shrink';
const STORE = 'versions';

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error || new TextError('hist.dbOpen'));
  });
}

function tx(db, mode, fn) {
  return new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const out = fn(t.objectStore(STORE));
    t.oncomplete = () => resolve(out && 'result' in out ? out.result : undefined);
    t.onerror = () => reject(t.error || new TextError('hist.dbFailed'));
    t.onabort = () => reject(t.error || new TextError('hist.dbAborted'));
  });
}

/** `{save(list), restore(refresh), clear()}` for the Versions panel. */
export function createHistory(ctx) {
  let dbp = null;
  const db = () => (dbp ||= open());
  let saving = Promise.resolve();
  // Nothing is written before the kept versions are back (an empty list would erase them).
  let restored = false;

  async function saveNow(list) {
    const d = await db();
    const kept = await tx(d, 'readonly', (s) => s.getAll());
    const have = new Map(kept.map((r) => [r.id, r]));
    const want = new Set(list.map((v) => v.id));
    for (const v of list) {
      const old = have.get(v.id);
      if (old && old.name === v.name && old.recipe === v.recipe) continue;
      const bytes = old && old.recipe === v.recipe ? old.bytes : await ctx.call('versions', 'exportVersion', v.id);
      await tx(d, 'readwrite', (s) => s.put({ id: v.id, parent: v.parent, name: v.name, recipe: v.recipe, root: v.figures.rootDenseBytes, bytes }));
    }
    const gone = kept.filter((r) => !want.has(r.id)).map((r) => r.id);
    if (gone.length) await tx(d, 'readwrite', (s) => gone.forEach((id) => s.delete(id)));
    document.documentElement.dataset.versionsSaved = String(list.length);
  }

  return {
    /** Mirrors the list into IndexedDB (new versions as file bytes, renames, deletions). */
    save(list) {
      if (!restored) return saving;
      saving = saving.then(() => saveNow(list)).catch((e) => {
        ctx.notice('hist.notKept', 'warn', { reason: reason(e) });
      });
      return saving;
    },

    /**
     * Gives every kept version back to the worker (parents first); the next save rewrites any
     * whose id changed. Also used after a worker restart, which loses the worker's versions.
     */
    async restore(refresh) {
      restored = false;
      let records;
      try {
        records = await tx(await db(), 'readonly', (s) => s.getAll());
      } catch (e) {
        ctx.notice('hist.notRead', 'warn', { reason: reason(e) });
        records = [];
      }
      const ids = new Map();
      const failed = [];
      try {
        records.sort((a, b) => a.id - b.id);
        for (const r of records) {
          try {
            const parent = r.parent != null && ids.has(r.parent) ? ids.get(r.parent) : null;
            const v = await ctx.call('versions', 'importVersion', r.bytes, parent, r.name, r.root || 0);
            ids.set(r.id, v.id);
          } catch (e) {
            failed.push(`#${r.id} ${r.name} (${e.message})`);
          }
        }
      } finally {
        restored = true;
      }
      if (failed.length) ctx.notice('hist.notRestored', 'warn', { list: failed.join('; ') });
      document.documentElement.dataset.versionsRestored = String(ids.size);
      await refresh();
    },

    /** Forgets every kept version. */
    async clear() {
      await saving;
      await tx(await db(), 'readwrite', (s) => s.clear());
    },
  };
}
