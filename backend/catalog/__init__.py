"""The item list (抽查事项清单, R2.1) and the rulebook (抽查实施细则, R2.3): versioned, filed, compiled."""
