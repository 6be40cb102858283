"""Evidence files: the content-addressed store, blobs, media checks and the custody trail.

See docs/uploads.md. Files arrive through backend.uploads (tus); once their SHA-256 is
verified, `ingest.prepare` checks the media and moves the original, byte for byte, into the
store, and `ingest.record` records the blob, the evidence item and the custody event. A photo's
preview and thumbnail are made on their first request (`ingest.derive_previews`).
"""
