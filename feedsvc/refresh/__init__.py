"""refresh stage; see docs/architecture.md."""
