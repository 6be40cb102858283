// IndexedDB plumbing: open a database through numbered migrations, and promise helpers.
// Only src/storage/ touches IndexedDB; everything else goes through src/storage/index.js.

/** A request as a promise. */
export function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** A transaction's completion as a promise (resolves on complete, rejects on error or abort). */
export function finished(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new DOMException('transaction aborted', 'AbortError'));
  });
}

/**
 * Open `name` at the version of the last migration, running every step above the stored version
 * in order inside the one versionchange transaction (so a failing step leaves the old version).
 * `migrations` is [{version: 1, name, up(db, tx, oldVersion)}, ...] with versions 1, 2, 3, ...
 */
export function openDatabase(indexedDB, name, migrations, { onBlocked, onVersionChange } = {}) {
  checkMigrations(migrations);
  const target = migrations[migrations.length - 1].version;
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, target);
    request.onupgradeneeded = (event) => {
      const db = request.result;
      const tx = request.transaction;
      const from = event.oldVersion;
      try {
        for (const step of migrations) {
          if (step.version > from) step.up(db, tx, from);
        }
      } catch (err) {
        tx.abort();
        reject(err);
      }
    };
    request.onblocked = () => onBlocked?.();
    request.onsuccess = () => {
      const db = request.result;
      // Another tab opened a newer version: close, so its upgrade can run (it asks the user to reload).
      db.onversionchange = () => {
        db.close();
        onVersionChange?.();
      };
      resolve(db);
    };
    request.onerror = () => reject(request.error);
  });
}

export function checkMigrations(migrations) {
  if (!migrations.length) throw new Error('no migrations');
  migrations.forEach((step, i) => {
    if (step.version !== i + 1) throw new Error(`migration ${i} has version ${step.version}, expected ${i + 1}`);
  });
}
