// An in-memory tus 1.0.0 server behind tus-js-client's HttpStack interface, following
// docs/uploads.md: creation with the required metadata keys, HEAD for the offset, PATCH with
// Upload-Offset and Upload-Checksum (sha256), completion comparing the whole file's SHA-256,
// and GET of an upload's state. `faults` lets a test drop connections or answer statuses.
import { createHash } from 'node:crypto';

const REQUIRED = ['filetype', 'sha256', 'record_id', 'evidence_id'];

function response(status, headers = {}, body = '') {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return {
    getStatus: () => status,
    getHeader: (name) => lower[name.toLowerCase()],
    getBody: () => (typeof body === 'string' ? body : JSON.stringify(body)),
    getUnderlyingObject: () => null,
  };
}

export class FakeTusServer {
  constructor() {
    this.uploads = new Map();
    this.log = [];
    this.faults = []; // functions (req) => response | 'drop' | undefined, consumed when they answer
    this.serial = 0;
  }

  getName() { return 'FakeTusServer'; }

  createRequest(method, url) {
    const server = this;
    const headers = {};
    return {
      getMethod: () => method,
      getURL: () => url,
      setHeader: (k, v) => { headers[k] = v; },
      getHeader: (k) => headers[k],
      setProgressHandler: (fn) => { this.progress = fn; },
      abort: async () => {},
      getUnderlyingObject: () => null,
      send: async (body = null) => server.handle({ method, url, headers }, body),
    };
  }

  async handle(req, body) {
    const bytes = body ? Buffer.from(await body.arrayBuffer()) : null;
    this.log.push({ method: req.method, url: req.url, headers: { ...req.headers }, size: bytes?.length ?? 0 });
    for (let i = 0; i < this.faults.length; i += 1) {
      const answer = this.faults[i](req, bytes);
      if (answer) {
        this.faults.splice(i, 1);
        if (answer === 'drop') throw new Error('connection reset');
        return answer;
      }
    }
    const tus = { 'Tus-Resumable': '1.0.0' };
    if (req.headers['Tus-Resumable'] !== '1.0.0') return response(412, { 'Tus-Version': '1.0.0' });
    const path = req.url.replace(/^https?:\/\/[^/]+/, '');
    if (req.method === 'POST' && path === '/api/v1/uploads') {
      const metadata = Object.fromEntries((req.headers['Upload-Metadata'] ?? '').split(',').filter(Boolean).map((pair) => {
        const [k, v] = pair.trim().split(' ');
        return [k, Buffer.from(v ?? '', 'base64').toString('utf8')];
      }));
      const missing = REQUIRED.filter((k) => !metadata[k]);
      if (missing.length) return response(422, tus, { code: 'upload.metadata_invalid', errors: missing });
      const live = [...this.uploads.values()].find((u) => u.metadata.evidence_id === metadata.evidence_id
        && (u.state === 'active' || u.state === 'completed'));
      if (live) return response(201, { ...tus, Location: `/api/v1/uploads/${live.id}`, 'Upload-Offset': live.data.length });
      const id = `u${(this.serial += 1)}`;
      this.uploads.set(id, { id, length: Number(req.headers['Upload-Length']), metadata, data: Buffer.alloc(0), state: 'active',
        headers: { ...req.headers } });
      return response(201, { ...tus, Location: `/api/v1/uploads/${id}`, 'Upload-Offset': 0 });
    }
    const upload = this.uploads.get(path.split('/').pop());
    if (!upload) return response(404, tus, { code: 'upload.not_found' });
    if (req.method === 'HEAD') {
      if (upload.state !== 'active' && upload.state !== 'completed') return response(410, tus);
      return response(200, { ...tus, 'Upload-Offset': upload.data.length, 'Upload-Length': upload.length });
    }
    if (req.method === 'PATCH') {
      if (upload.state !== 'active') return response(410, tus, { code: `upload.${upload.state}` });
      if (Number(req.headers['Upload-Offset']) !== upload.data.length) {
        return response(409, tus, { code: 'upload.offset_mismatch', details: { offset: upload.data.length } });
      }
      const [algo, digest] = (req.headers['Upload-Checksum'] ?? '').split(' ');
      if (algo !== 'sha256' || createHash('sha256').update(bytes).digest('base64') !== digest) {
        return response(460, tus, { code: 'upload.checksum_mismatch' });
      }
      upload.data = Buffer.concat([upload.data, bytes]);
      upload.chunks = (upload.chunks ?? 0) + 1;
      if (upload.data.length === upload.length) {
        const actual = createHash('sha256').update(upload.data).digest('hex');
        if (actual !== upload.metadata.sha256) {
          upload.state = 'failed';
          upload.failure_code = 'upload.hash_mismatch';
          return response(422, tus, { code: 'upload.hash_mismatch' });
        }
        upload.state = 'completed';
      }
      return response(204, { ...tus, 'Upload-Offset': upload.data.length });
    }
    return response(405, tus);
  }

  /** GET /api/v1/uploads/<id> (JSON, not part of tus), as our api client answers it. */
  state(path) {
    const upload = this.uploads.get(path.split('/').pop());
    if (!upload) { const err = new Error('not found'); err.status = 404; throw err; }
    return { id: upload.id, state: upload.state, offset: upload.data.length, length: upload.length,
      failure_code: upload.failure_code ?? null };
  }
}
