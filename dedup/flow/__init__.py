"""How the stages run: the per-shard map on worker processes, and ``analyse``, the
corpus-wide stages in order."""
