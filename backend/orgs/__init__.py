"""Departments and jurisdictions: who may act, and where."""
