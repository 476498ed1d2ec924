"""Where the shipped deploy/ files are, for the deploy tests (a module of its own: a
`from deploy_paths import ...` would find whichever conftest.py was imported first)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
