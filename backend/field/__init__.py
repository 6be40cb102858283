"""Field work: task packets for the offline app, check records and their amendments (docs/field-api.md)."""
