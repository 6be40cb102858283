"""Review of check records: team lead, then the authority the rulebook names (docs/results.md)."""
