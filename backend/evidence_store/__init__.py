"""Evidence files: the content-addressed store, blobs, media checks and the custody trail.

See docs/uploads.md. Files arrive through backend.uploads (tus); once their SHA-256 is
verified, `ingest.store_verified_file` checks the media, writes the original byte for byte
into the store and records the blob, the evidence item and the custody events.
"""
