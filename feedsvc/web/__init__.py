"""web stage; see docs/architecture.md."""
