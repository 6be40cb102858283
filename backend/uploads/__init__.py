"""Resumable evidence uploads over tus 1.0 (core, creation, creation-with-upload, expiration,
checksum, termination). See docs/uploads.md for the protocol as implemented here."""
