"""Findings and reports, and their renderings (JSON, JSON Lines, GitHub, SARIF, rich)."""
