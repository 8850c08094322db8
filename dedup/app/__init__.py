"""What the commands do, without the CLI: clean, the index and check, the baseline, eval."""
