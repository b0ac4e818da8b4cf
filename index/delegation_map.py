"""The delegations of one index: each stored spelling resolved once (an index holds a few
hundred), flagged spellings repaired row by row, so filters, counts and statements read the
delegation's name while old indexes keep their records' spellings (no migration)."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from index.countries import Resolved, country_key, resolve, resolve_record


@dataclass(frozen=True)
class Spoke:
    """A delegation that spoke under some filters: how often, and first when."""

    name: str
    kind: str
    statements: int
    date: str  # of its first statement
    speech_no: int | None  # of its first statement in that meeting


@dataclass(frozen=True)
class Spelling:
    """One spelling the records use, what it names, and how often."""

    raw: str
    resolved: Resolved
    statements: int


class DelegationMap:
    """Stored `country` values → delegations, for one index."""

    def __init__(
        self,
        values: Counter[str],
        spellings: list[Spelling],
        flagged: dict[str, dict[str, Resolved]],
        moved: Counter[tuple[str, str]] | None = None,
    ) -> None:
        self.values = values  # stored column value → statements
        self.spellings = spellings  # the records' spellings (before any ingest-time repair)
        self.flagged = flagged  # flagged stored value → {statement id: what its row names}
        self.rows = {sid: r for rows in flagged.values() for sid, r in rows.items()}
        self.moved = moved or Counter()
        self.kept = {raw.lower() for raw, _ in self.moved}  # spellings kept beside the name
        self._by_value = {v: resolve(v) for v in values}

    @classmethod
    def load(cls, db: sqlite3.Connection) -> DelegationMap:
        """Read the distinct spellings (and the rows of flagged ones) from `statements`."""
        q = (
            "SELECT COALESCE(country, ''), COALESCE(json_extract(extra, '$.country_raw'), "
            "country, ''), COUNT(*) FROM statements GROUP BY 1, 2"
        )
        values: Counter[str] = Counter()
        raws: Counter[str] = Counter()
        moved: Counter[tuple[str, str]] = Counter()  # (raw, stored name) repaired at ingest
        for value, raw, n in db.execute(q):
            values[value] += n
            raws[raw] += n
            if raw != value:
                moved[(raw, value)] += n
        flagged = {
            value: _repair_rows(db, value) for value in values if resolve(value).status == "flagged"
        }
        spellings = [Spelling(raw, resolve(raw), n) for raw, n in raws.items()]
        return cls(values, spellings, flagged, moved)

    def of_row(self, statement_id: str, value: str) -> Resolved:
        """The delegation of one stored row."""
        return self.rows.get(statement_id) or self._by_value.get(value) or resolve(value)

    def spoke(self, rows: Iterable[tuple[str, str, str, int | None]]) -> list[Spoke]:
        """(id, stored value, date, speech no) rows in order → each delegation once, first first."""
        found: dict[str, Spoke] = {}
        for sid, value, date, speech in rows:
            r = self.of_row(sid, value or "")
            if r.name:
                first = found.get(r.name) or Spoke(r.name, r.kind, 0, date or "", speech)
                found[r.name] = replace(first, statements=first.statements + 1)
        return list(found.values())

    def condition(self, names: tuple[str, ...]) -> tuple[str, list[object]]:
        """SQL over `statements s` for "by one of these delegations": any stored spelling
        that names it, the repaired rows, and a record's spelling asked for as it is."""
        keys = {country_key(n) for n in names} - {""}
        asked = {n.strip().lower() for n in names}
        values = [
            v
            for v, r in self._by_value.items()
            if (r.name and r.key in keys and v not in self.flagged) or v.lower() in asked
        ]
        ids = [sid for sid, r in self.rows.items() if r.key in keys]
        parts: list[str] = []
        args: list[object] = []
        if raw := sorted(asked & self.kept):
            parts.append(
                f"lower(json_extract(s.extra, '$.country_raw')) IN ({','.join('?' * len(raw))})"
            )
            args += raw
        if values:
            parts.append(f"s.country IN ({','.join('?' * len(values))})")
            args += values
        if ids:
            parts.append(f"s.id IN ({','.join('?' * len(ids))})")
            args += ids
        return ("(" + " OR ".join(parts) + ")" if parts else "0"), args

    def counts(self) -> dict[str, int]:
        """Statements per delegation name ("" for rows that name none), most first."""
        out: Counter[str] = Counter()
        for v, n in self.values.items():
            if v not in self.flagged:
                out[self._by_value[v].name] += n
        out.update(r.name for r in self.rows.values())
        return dict(sorted(out.items(), key=lambda x: (-x[1], x[0])))

    def report(self) -> dict[str, Any]:
        """What `stats` says about spellings: how many, repaired, flagged, kinds."""
        by_status: dict[str, list[dict[str, Any]]] = {}
        for s in sorted(self.spellings, key=lambda s: s.raw):
            r = s.resolved
            item: dict[str, Any] = {
                "raw": s.raw,
                "name": r.name,
                "how": r.how,
                "statements": s.statements,
            }
            by_status.setdefault(r.status, []).append(item)
        for item in by_status.get("flagged", []):
            rows = Counter(
                r.name or "(unresolved)" for r in self.flagged.get(item["raw"], {}).values()
            )
            rows.update({name: n for (raw, name), n in self.moved.items() if raw == item["raw"]})
            item["rows"] = dict(rows)
        names = {r.name: r.kind for r in (*self._by_value.values(), *self.rows.values()) if r.name}
        return {
            "spellings": len(self.spellings),
            "delegations": len(names),
            "exact": len(by_status.get("exact", [])),
            "variants": by_status.get("variant", []),
            "repaired": by_status.get("repaired", []),
            "flagged": by_status.get("flagged", []),
            "unlisted": len(by_status.get("unlisted", [])),
            "by_kind": dict(Counter(names.values()).most_common()),
        }


def _repair_rows(db: sqlite3.Connection, value: str) -> dict[str, Resolved]:
    """Rows of a flagged stored value, each repaired from its speaker line or words if it can."""
    q = "SELECT id, extra, substr(text, 1, 600) FROM statements WHERE country = ?"
    out = {}
    for sid, extra, head in db.execute(q, (value,)):
        header = json.loads(extra or "{}").get("speaker_header", "")
        out[sid] = resolve_record(value, header, head or "")
    return out
