"""PostgreSQL tells listeners when feeds or sources change (LISTEN/NOTIFY).

Revision ID: 0011_change_notify
Revises: 0010_run_pages
Create Date: 2026-12-05

Triggers send a notification on ``feedsvc_feeds`` whenever a transaction writes
``feed_versions`` or ``categories`` (what web processes remember between requests:
web/versions.py), and on ``feedsvc_sources`` when a source is added, removed, edited,
enabled or disabled, deleted, or made due sooner (what a scheduler should claim at once);
lease and heartbeat writes send nothing. The payload is the table's name; PostgreSQL
folds identical notifications of one transaction into one and delivers them only when it
commits. SQLite has no such thing and needs none (``PRAGMA data_version``): this
migration does nothing there.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011_change_notify"
down_revision: str | None = "0010_run_pages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FEEDS_CHANNEL = "feedsvc_feeds"  # = feedsvc.store.notify.FEEDS_CHANNEL, as of this revision
SOURCES_CHANNEL = "feedsvc_sources"

_FUNCTION = """
CREATE FUNCTION feedsvc_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_ARGV[0], TG_TABLE_NAME);
    RETURN NULL;
END
$$
"""

_TRIGGERS = {
    "feedsvc_feed_versions_changed": (
        f"AFTER INSERT OR UPDATE OR DELETE ON feed_versions FOR EACH STATEMENT "
        f"EXECUTE FUNCTION feedsvc_notify('{FEEDS_CHANNEL}')"
    ),
    "feedsvc_categories_changed": (
        f"AFTER INSERT OR UPDATE OR DELETE ON categories FOR EACH STATEMENT "
        f"EXECUTE FUNCTION feedsvc_notify('{FEEDS_CHANNEL}')"
    ),
    "feedsvc_sources_added_or_removed": (
        f"AFTER INSERT OR DELETE ON sources FOR EACH STATEMENT "
        f"EXECUTE FUNCTION feedsvc_notify('{SOURCES_CHANNEL}')"
    ),
    "feedsvc_sources_changed": (
        "AFTER UPDATE ON sources FOR EACH ROW WHEN ("
        "OLD.config_json IS DISTINCT FROM NEW.config_json"
        " OR OLD.enabled IS DISTINCT FROM NEW.enabled"
        " OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at"
        " OR NEW.next_check_at < OLD.next_check_at"
        f") EXECUTE FUNCTION feedsvc_notify('{SOURCES_CHANNEL}')"
    ),
}


def _table(definition: str) -> str:
    return definition.split(" ON ", 1)[1].split()[0]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_FUNCTION)
    for name, definition in _TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {definition}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, definition in _TRIGGERS.items():
        op.execute(f"DROP TRIGGER {name} ON {_table(definition)}")
    op.execute("DROP FUNCTION feedsvc_notify()")
