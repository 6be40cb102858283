// The task packet (docs/field-api.md §1): whole, 304, or a delta since our version.

/** Fetch and store the packet. Answers 'unchanged' | 'delta' | 'full'. */
export async function refreshPacket({ api, storage }) {
  const meta = await storage.packetMeta();
  const headers = meta?.etag ? { 'If-None-Match': meta.etag } : {};
  const query = meta?.version != null ? `?since=${encodeURIComponent(meta.version)}` : '';
  const res = await api.request('GET', `/api/v1/field/packet${query}`, { headers, accept: [304] });
  if (res.status === 304) return 'unchanged';
  const etag = res.headers?.get?.('ETag') ?? null;
  if (query && res.data.since != null) {
    await storage.applyPacketDelta(res.data, etag);
    return 'delta';
  }
  await storage.replacePacket(res.data, etag); // whole packet, or `"since": null`
  return 'full';
}
