"""Directory of market entities: identifiers, import and lookup."""
