"""feeds stage; see docs/architecture.md."""
