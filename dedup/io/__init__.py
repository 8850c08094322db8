"""Where bytes meet the disk: durable atomic writes, the index stores (SQLite, Redis)."""
