// Evidence uploads over tus 1.0.0 (docs/uploads.md) with tus-js-client.
//
// - metadata: filetype, sha256, record_id, evidence_id, filename (the server's required keys);
// - the fingerprint is the evidence id and upload URLs live in IndexedDB (storage's `uploads`),
//   so an upload resumes from the server's offset after the app restarts;
// - every PATCH carries `Upload-Checksum: sha256 <base64>` and the current bearer token (both
//   added by a wrapper around tus-js-client's HTTP stack, so a token refreshed mid-upload is used);
// - 409 and 423 are tus-js-client's own retries (HEAD, then continue); a 410 or a refusal at
//   completion is read back with GET /api/v1/uploads/<id>: `failed` parks the record with the
//   server's failure code (sending the same bytes again would fail again).
import { fingerprintOf } from '../storage/index.js';
import { classifyStatus } from './classify.js';

export const ENDPOINT = '/api/v1/uploads';
export const CHUNK_SIZE = 512 * 1024; // 256 KiB - 1 MiB suits one bar of signal

/** An upload that did not finish: `kind` is retry | signin | failed (park) | conflict. */
export class UploadError extends Error {
  constructor(kind, message, { status = 0, code = null } = {}) {
    super(message);
    this.name = 'UploadError';
    this.kind = kind;
    this.status = status;
    this.code = code;
  }
}

function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 1) s += String.fromCharCode(bytes[i]);
  return btoa(s);
}

/** Wraps a tus HttpStack: adds the bearer token to every request and a SHA-256 checksum to PATCH bodies. */
export class AuthChecksumStack {
  constructor(base, { getToken, subtle = globalThis.crypto.subtle }) {
    this.base = base;
    this.getToken = getToken;
    this.subtle = subtle;
  }

  createRequest(method, url) {
    const req = this.base.createRequest(method, url);
    const { getToken, subtle } = this;
    return {
      getMethod: () => req.getMethod(),
      getURL: () => req.getURL(),
      setHeader: (k, v) => req.setHeader(k, v),
      getHeader: (k) => req.getHeader(k),
      setProgressHandler: (fn) => req.setProgressHandler(fn),
      abort: () => req.abort(),
      getUnderlyingObject: () => req.getUnderlyingObject?.(),
      async send(body = null) {
        const token = await getToken();
        if (token) req.setHeader('Authorization', `Bearer ${token}`);
        if (body && typeof body.arrayBuffer === 'function') {
          const digest = new Uint8Array(await subtle.digest('SHA-256', await body.arrayBuffer()));
          req.setHeader('Upload-Checksum', `sha256 ${toBase64(digest)}`);
        }
        return req.send(body);
      },
    };
  }

  getName() { return `AuthChecksum(${this.base.getName?.() ?? 'stack'})`; }
}

/**
 * `Upload`: tus-js-client's Upload class; `baseStack`: its HTTP stack (XHR in browsers, a fake in
 * tests); `api`: our JSON client, for GET /api/v1/uploads/<id>; `getToken`: a current access token.
 */
export function createUploader({ Upload, baseStack, storage, api, getToken, chunkSize = CHUNK_SIZE,
  retryDelays = [0, 1000, 3000, 5000], subtle }) {
  const httpStack = new AuthChecksumStack(baseStack, { getToken, subtle });
  const urlStorage = {
    findAllUploads: () => storage.findAllUploads(),
    findUploadsByFingerprint: (fp) => storage.findUploadsByFingerprint(fp),
    removeUpload: (key) => storage.removeUpload(key),
    addUpload: (fp, upload) => storage.addUpload(fp, upload),
  };

  async function serverState(url) {
    const path = url.startsWith('http') ? new URL(url).pathname : url;
    try {
      return (await api.get(path)).data;
    } catch (err) {
      if (err.status === 404 || err.status === 410) return { state: 'gone' };
      throw err;
    }
  }

  /** The state after the last chunk, asked again (tus's delays) when only the answer got lost:
   *  the bytes are on the server, and dropping the whole pass for one lost GET would cost a backoff. */
  async function settledState(url) {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await serverState(url);
      } catch (err) {
        if (err.status || attempt + 1 >= retryDelays.length) throw toUploadError(err);
        await new Promise((resolve) => { setTimeout(resolve, retryDelays[attempt + 1]); });
      }
    }
  }

  async function forget(previous) {
    for (const p of previous) await storage.removeUpload(p.urlStorageKey);
  }

  function failed(state) {
    return new UploadError('failed', state.failure_message || state.failure_code || 'upload failed',
      { code: state.failure_code ?? 'upload.failed', status: 422 });
  }

  /** Upload one evidence item; resolves when the server has it `completed`. */
  async function upload(item, { onProgress = () => {} } = {}) {
    if (!item.blob) throw new UploadError('failed', 'the original is no longer on the device', { code: 'evidence.missing_locally' });
    const previous = await storage.findUploadsByFingerprint(fingerprintOf(item.id));
    let resumeFrom = null;
    for (const p of previous) {
      const state = await serverState(p.uploadUrl).catch((err) => { throw toUploadError(err); });
      if (state.state === 'completed') { onProgress(item.size, item.size); return { url: p.uploadUrl, state }; }
      if (state.state === 'failed') throw failed(state);
      if (state.state === 'active' && !resumeFrom) resumeFrom = p;
    }
    await forget(previous.filter((p) => p !== resumeFrom));

    const url = await new Promise((resolve, reject) => {
      const tus = new Upload(item.blob, {
        endpoint: ENDPOINT,
        chunkSize,
        // The first chunk rides on the creation POST: a file up to one chunk (signatures, most
        // recordings, small photos) is then received, checked and recorded by the server in one
        // request and one transaction (docs/uploads.md, "The whole file in the creation POST").
        uploadDataDuringCreation: true,
        retryDelays,
        httpStack,
        urlStorage,
        fingerprint: async () => fingerprintOf(item.id),
        storeFingerprintForResuming: true,
        removeFingerprintOnSuccess: false, // removed only once the whole record is confirmed
        metadata: {
          filetype: item.mediaType,
          sha256: item.sha256,
          record_id: item.recordId,
          evidence_id: item.id,
          filename: item.filename ?? `${item.id}.${item.mediaType.split('/')[1] ?? 'bin'}`,
        },
        // tus-js-client retries 409 and 423 itself (HEAD, continue); also a discarded chunk (460),
        // a timeout or throttling, server errors and a lost connection.
        onShouldRetry: (err) => RETRIED.has(err.originalResponse?.getStatus?.() ?? 0)
          || (err.originalResponse?.getStatus?.() ?? 0) >= 500,
        onProgress: (sent, total) => onProgress(sent, total),
        onSuccess: () => resolve(tus.url),
        onError: (err) => reject(Object.assign(err, { tusUrl: tus.url })),
      });
      if (resumeFrom) tus.resumeFromPreviousUpload(resumeFrom);
      tus.start();
    }).catch(async (err) => {
      const status = err.originalResponse?.getStatus?.() ?? 0;
      if ((status === 410 || status === 422 || status === 460) && err.tusUrl) {
        const state = await serverState(err.tusUrl).catch(() => null);
        if (state?.state === 'failed') throw failed(state);
        if (state?.state === 'gone' || state?.state === 'expired' || state?.state === 'terminated') {
          await forget(await storage.findUploadsByFingerprint(fingerprintOf(item.id)));
          throw new UploadError('retry', 'the upload ended; it starts again', { status });
        }
      }
      throw toUploadError(err);
    });
    // "When the last chunk is answered 204, or whenever in doubt, GET the upload" (docs/uploads.md).
    const state = await settledState(url);
    if (state.state === 'failed') throw failed(state);
    if (state.state !== 'completed') throw new UploadError('retry', `upload is ${state.state}`);
    return { url, state };
  }

  return { upload };
}

const RETRIED = new Set([0, 408, 409, 423, 429, 460]);

function toUploadError(err) {
  if (err instanceof UploadError) return err;
  const status = err.originalResponse?.getStatus?.() ?? err.status ?? 0;
  let code = err.code ?? null;
  try { code = JSON.parse(err.originalResponse?.getBody?.() ?? 'null')?.code ?? code; } catch { /* not JSON */ }
  if (code === 'upload.evidence_conflict') return new UploadError('conflict', err.message, { status, code });
  // tus answers that mean "HEAD and resume", not a conflict to show (docs/uploads.md)
  const kind = RETRIED.has(status) ? 'retry' : classifyStatus(status);
  const mapped = kind === 'ok' ? 'retry' : kind === 'rejected' ? 'failed' : kind;
  return new UploadError(mapped, err.message, { status, code });
}
