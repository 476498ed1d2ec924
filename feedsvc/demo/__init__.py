"""demo stage; see docs/architecture.md."""
