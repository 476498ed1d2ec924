"""fetch stage; see docs/architecture.md."""
