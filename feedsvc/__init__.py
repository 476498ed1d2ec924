"""feedsvc: turns news sites without feeds into Atom feeds."""

__version__ = "0.1.0"
