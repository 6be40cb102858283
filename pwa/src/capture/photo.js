// A photo as evidence: the original Blob exactly as captured, its SHA-256 (the integrity value
// the evidence rules ask for, computed once, here), and a small thumbnail to show. Loaded on
// demand (a separate chunk); bench/pwa.py times processPhoto on a 12-megapixel JPEG.
import { sha256Hex } from '../record/canonical.js';

export const THUMB_WIDTH = 320;
export const ACCEPTED = ['image/jpeg', 'image/png', 'image/webp'];

/** The type from the first bytes (never the name): JPEG, PNG, WebP; HEIC/AVIF are named to explain. */
export function sniffImageType(bytes) {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  const ascii = (from, to) => String.fromCharCode(...b.slice(from, to));
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12);
    if (/^(heic|heix|hevc|heim|heis|mif1|msf1)$/.test(brand)) return 'image/heic';
    if (/^avi[fs]$/.test(brand)) return 'image/avif';
  }
  return null;
}

export class PhotoRejected extends Error {
  constructor(code, detected) {
    super(code);
    this.name = 'PhotoRejected';
    this.code = code;
    this.detected = detected;
  }
}

async function thumbnail(blob, width) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(blob, { resizeWidth: width, resizeQuality: 'medium', imageOrientation: 'from-image' });
  } catch {
    bitmap = await createImageBitmap(blob); // resize options unsupported: scale while drawing
  }
  const scale = Math.min(1, width / bitmap.width);
  const w = Math.max(1, Math.round(bitmap.width * scale));
  const hgt = Math.max(1, Math.round(bitmap.height * scale));
  let out;
  if (typeof OffscreenCanvas === 'function') {
    const canvas = new OffscreenCanvas(w, hgt);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, w, hgt);
    out = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.7 });
  } else {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = hgt;
    canvas.getContext('2d').drawImage(bitmap, 0, 0, w, hgt);
    out = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.7));
  }
  bitmap.close?.();
  return out;
}

/**
 * Hash and thumbnail a captured photo, in parallel. Answers
 * {blob (the original), sha256, size, mediaType, thumb}. Refuses what the server would refuse.
 */
export async function processPhoto(file, { width = THUMB_WIDTH } = {}) {
  const bytes = await file.arrayBuffer();
  const type = sniffImageType(new Uint8Array(bytes, 0, Math.min(16, bytes.byteLength)));
  if (type === 'image/heic' || type === 'image/avif') throw new PhotoRejected('photo.heic', type);
  if (!ACCEPTED.includes(type)) throw new PhotoRejected('photo.not_an_image', type);
  const [sha256, thumb] = await Promise.all([sha256Hex(bytes), thumbnail(file, width)]);
  return { blob: file, sha256, size: file.size, mediaType: type, thumb };
}

/** A PNG signature Blob: hashed the same way. */
export async function processSignature(blob) {
  const bytes = await blob.arrayBuffer();
  return { blob, sha256: await sha256Hex(bytes), size: blob.size, mediaType: 'image/png', thumb: blob };
}
