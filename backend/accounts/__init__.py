"""User accounts, roles, sign-in tokens and login throttling."""
