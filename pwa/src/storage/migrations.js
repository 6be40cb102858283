// The numbered schema of the device database. Never edit a released step: add one.
// Each step runs inside the upgrade transaction; `tx.objectStore(name)` reaches existing stores.

export const DB_NAME = 'ssgk-field';

export const MIGRATIONS = [
  {
    version: 1,
    name: 'stores for the packet, check records, evidence, the outbox and tus upload URLs',
    up(db) {
      // small key-value documents: auth tokens, the signed-in user, settings, packet and sync metadata
      db.createObjectStore('kv', { keyPath: 'key' });
      // the task packet, split so a delta can replace single assignments and add templates
      db.createObjectStore('assignments', { keyPath: 'id' });
      db.createObjectStore('templates', { keyPath: 'key' });
      // check records made on this device (drafts, finalized revisions, their sync state)
      const records = db.createObjectStore('records', { keyPath: 'id' });
      records.createIndex('by_assignment', 'assignmentId');
      records.createIndex('by_owner', 'ownerUserId');
      // photos and signatures: the original Blob as captured, its SHA-256, a thumbnail
      const evidence = db.createObjectStore('evidence', { keyPath: 'id' });
      evidence.createIndex('by_record', 'recordId');
      // what has to reach the server, in order (seq), one entry per record revision
      const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
      outbox.createIndex('by_record', 'recordId', { unique: true });
      // tus-js-client's URL storage: resume an upload after the app restarts
      const uploads = db.createObjectStore('uploads', { keyPath: 'key' });
      uploads.createIndex('by_fingerprint', 'fingerprint');
    },
  },
];
