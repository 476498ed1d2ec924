"""A source's template through its refreshes: observe, learn, pin, count drift, relearn.

Before the article stage the source's :class:`~feedsvc.store.templates.TemplateState` is
read; its template (if any) travels into the extraction processes with every article page
(``extract.templated``). Afterwards :func:`advance` folds what the pages did into the
state, written with the refresh's save:

* no template yet: each page extracted generically leaves an observation (the last
  ``MAX_OBSERVATIONS`` are kept); once ``MIN_PAGES`` agree, the template is learned;
* a template: pages it matches are pinned; a page it no longer matches (drift) is
  extracted generically, counted, and observed; after ``RELEARN_AFTER`` drifted pages in a
  row the template is learned again from those pages (until then its status is
  ``drifted``);
* the run's ``template_note`` says what happened: learned, drifted, relearned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from feedsvc.extract.template import Template
from feedsvc.extract.templatelearn import MIN_PAGES, Observation, learn
from feedsvc.store import Store
from feedsvc.store.templates import DRIFTED, LEARNED, LEARNING, TemplateState

__all__ = ["MAX_OBSERVATIONS", "RELEARN_AFTER", "PageTemplating", "advance", "load_template"]

MAX_OBSERVATIONS = 8  # pages kept to learn from
RELEARN_AFTER = 3  # drifted pages in a row before the template is learned again


@dataclass(frozen=True)
class PageTemplating:
    """What one article page did with the template (picklable: it comes back from the
    extraction process)."""

    pinned: bool = False
    drift: str | None = None
    observation: Observation | None = None


async def load_template(store: Store, source_id: str) -> TemplateState:
    return await store.template_state(source_id) or TemplateState(source_id)


def advance(
    state: TemplateState, pages: Sequence[PageTemplating], now: datetime
) -> tuple[TemplateState | None, str | None]:
    """The state after this refresh's pages (None: nothing to write) and the run's note."""
    if not pages:
        return None, None
    observed = [p.observation for p in pages if p.observation is not None]
    run = state.drift_pages
    for page in pages:
        run = 0 if page.pinned else run + 1 if page.drift else run
    drifted = [p.drift for p in pages if p.drift]
    keep = () if state.template is not None and run == 0 else state.observations
    again = {o.url for o in observed}
    kept = tuple(o for o in keep if o.url not in again)  # a page seen again counts once
    new = replace(
        state,
        observations=(*kept, *observed)[-MAX_OBSERVATIONS:],
        pinned_pages=state.pinned_pages + sum(1 for p in pages if p.pinned),
        drift_pages=run,
        drift_total=state.drift_total + len(drifted),
        last_drift=drifted[-1] if drifted else state.last_drift,
    )
    notes: list[str] = []
    if drifted:
        notes.append(
            f"{len(drifted)} of {len(pages)} pages drifted from the template "
            f"({drifted[-1]}): extracted generically"
        )
    if state.template is None or run >= RELEARN_AFTER:
        new, note = _learn(new, now)
        notes.append(note)
    elif state.status == DRIFTED and run == 0:
        new = replace(new, status=LEARNED)
    return new, "; ".join(n for n in notes if n) or None


def _learn(state: TemplateState, now: datetime) -> tuple[TemplateState, str]:
    learned: Template | None = learn(state.observations)
    if learned is None:
        if state.template is not None:
            return replace(state, status=DRIFTED), "the template drifted: relearning"
        seen = len(state.observations)
        note = (
            f"learning the template: {seen} of {MIN_PAGES} pages observed"
            if seen < MIN_PAGES
            else f"learning the template: {seen} pages observed, not yet agreeing"
        )
        return replace(state, status=LEARNING), note
    again = state.template is not None
    done = replace(
        state, status=LEARNED, template=learned, learned_at=now, observations=(), drift_pages=0
    )
    agreed = learned.evidence.get("body", 0)
    verb = "relearned" if again else "learned"
    return done, f"template {verb} from {learned.pages} pages ({agreed} agreed on the body)"
