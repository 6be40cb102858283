"""Results: entry, the 20-working-day clock, publication, signed corrections, the credit feed (docs/results.md)."""
