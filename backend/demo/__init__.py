"""Synthetic, fictional demo data for development and demonstrations."""
