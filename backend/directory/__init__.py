"""The two directories (两库): market entities and inspectors, sub-directories, confirmation (R2.2)."""
