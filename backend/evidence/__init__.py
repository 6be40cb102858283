"""Evidence packages for transferring a case to the police (涉嫌犯罪案件移送).

A package is one ZIP holding a BagIt bag (RFC 8493): the originals byte for byte, the
documents as PDFs in Chinese, every item's chain of custody, the audit-log proofs that tie it
to the signed log, SHA-256 and SM3 manifests, and an Ed25519 signature over the tag manifest.
`package.export_package` writes it as a stream; `verify.py` is the standalone verifier a
court or the police can run. Format: docs/evidence-package.md.
"""
