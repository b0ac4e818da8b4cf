"""Reliability and security campaign: faults, hostile input and crashes, measured; nothing lost.

    nice -n 10 .venv/bin/python bench/reliability.py            # full: about an hour on 2 cores
    .venv/bin/python bench/reliability.py --scale 0.05 --kills 3 --seconds 60 --llm-questions 3
    .venv/bin/python bench/reliability.py --only fuzz,faults

In the way SQLite tests its atomic commit: inject the fault, then prove nothing was lost.
1. fuzz: generated and mutated .jsonl, .txt/.md records, the real PDFs (truncated, bit-flipped),
   huge and odd files, filters: cases run, failures (a traceback, a message that is not one
   line, a file over its time limit), slowest file, records rejected (counted, not failures).
2. kills: the real ingest (real embedder) SIGKILLed at 20 moments across every phase; after
   each the index must hold exactly the old or the new statements, and the next ingest
   complete with every statement.
3. faults: a full disk (tmpfs filled to N bytes free), a read-only folder (tmpfs remounted
   read-only), truncated files of the version in force (restore from the older one).
4. xss: hostile statements in the real app in Chromium: payloads shown, executed, injected.
5. load: simulated users through gradio_client and concurrent API clients (bench/load.py).
6. injection: injected instructions beside real statements (bench/injection.py).
The same checks run at small sizes in `make test` (tests/kits/ holds the shared code).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _bench import ROOT  # offline models and the repo on the path, first

from bench import injection as injection_bench
from bench import load as load_bench
from index.parse import read_statements
from rag.components import make_embedder, make_writer, open_index
from rag.settings import Settings
from tests.kits import campaign, crash, faults, hostile

SMALL_CORPUS = ROOT / "tests" / "fixtures" / "small_corpus.jsonl"
FILES = ("vectors.faiss", "meta.sqlite", "bm25_ids.npy", "bm25/bm25s/vocab.index.json")


def run_fuzz(work: Path, scale: float, seed: int) -> dict[str, object]:
    print(f"\n## 1. Fuzzing the parsers (scale {scale})\n")
    print("| family | cases | failures | typed errors | rejected records | slowest |")
    print("|---|---|---|---|---|---|")
    total = {"cases": 0, "failures": 0, "rejected": 0, "slowest": (0.0, "")}
    examples: list[str] = []
    for fam in campaign.families(work, scale, seed):
        slow = f"{fam.slowest[0]:.2f} s ({fam.slowest[1]})" if fam.slowest[1] else "-"
        print(f"| {fam.name} | {fam.cases} | {len(fam.failures)} | {fam.typed_errors} "
              f"| {fam.rejected} | {slow} |", flush=True)  # fmt: skip
        total["cases"] += fam.cases
        total["failures"] += len(fam.failures)
        total["rejected"] += fam.rejected
        total["slowest"] = max(total["slowest"], fam.slowest)
        examples += fam.failures[:3]
    for e in examples:
        print(f"  failure: {e}")
    return total


def kill_env(work: Path, s: Settings, emb: object) -> dict[str, object]:
    work.mkdir(parents=True, exist_ok=True)
    old, new = crash.make_data(SMALL_CORPUS, work, 6, 4)
    lines = old.read_text(encoding="utf-8").splitlines()
    base = work / "base"

    def writer(d: Path) -> object:
        return make_writer(s, d, emb)

    writer(base).ingest(read_statements(crash.write_jsonl(lines[:3], work / "half.jsonl")))
    writer(base).ingest(read_statements(old))
    opener = lambda d: open_index(s, d, emb)  # noqa: E731
    return {"work": work, "base": base, "new": new, "writer": writer, "opener": opener}


def run_kills(env: dict, n: int, seed: int) -> dict[str, int]:
    print(f"\n## 2. Kill -9 during ingest ({n} moments)\n")
    print("| moment | reached | index after the kill | problems | s |")
    print("|---|---|---|---|---|")
    out = {"points": 0, "reached": 0, "lost_or_mixed": 0}
    for kill in crash.campaign_points(n, seed):
        t = crash.kill_trial(
            kill, env["base"], env["work"], env["new"], env["opener"], env["writer"]
        )
        out["points"] += 1
        out["reached"] += t.reached
        out["lost_or_mixed"] += bool(t.problems) or t.state not in ("old", "new", "checkpoint")
        problems = "; ".join(t.problems) or "none"
        print(
            f"| {kill.label()} | {t.reached} | {t.state} | {problems} | {t.seconds:.0f} |",
            flush=True,
        )
    return out


def run_faults(env: dict) -> dict[str, int]:
    print("\n## 3. Disk full, read-only folder, truncated files\n")
    print("| fault | what the user is told | problems |")
    print("|---|---|---|")
    outcomes: list[faults.Fault] = []
    e = env
    mountable = faults.can_mount(e["work"])
    if mountable:
        for leave in (0, 20_000, 100_000, 200_000, 300_000, 400_000, 500_000, 2_000_000):
            outcomes.append(
                faults.disk_full(e["base"], e["work"], e["new"], leave, e["opener"], e["writer"])
            )
    else:
        for limit in (50_000, 200_000):
            outcomes.append(
                faults.disk_full_by_rlimit(e["base"], e["work"], e["new"], limit, e["opener"])
            )
    try:
        outcomes.append(faults.read_only(e["base"], e["work"], e["new"], e["opener"], e["writer"]))
    except faults.Unavailable as err:
        outcomes.append(faults.Fault("read-only index folder", f"(skipped: {err})"))
    for file in FILES:
        outcomes.append(faults.truncated(e["base"], e["work"], file, True, e["opener"]))
    outcomes.append(faults.truncated(e["base"], e["work"], "meta.sqlite", False, e["opener"]))
    for f in outcomes:
        told = f.message.replace(str(e["work"]), "…")[:200]
        print(f"| {f.name} | {told} | {'; '.join(f.problems) or 'none'} |", flush=True)
    kinds = {"disk full": "disk", "file size": "disk", "read-only": "ro", "truncated": "cut"}
    out = {"faults": len(outcomes), "with_problems": sum(bool(f.problems) for f in outcomes)}
    for f in outcomes:
        kind = next(v for k, v in kinds.items() if f.name.startswith(k))
        out[kind] = out.get(kind, 0) + 1
        refused = f.message.startswith(("The ", "Cannot", "error:"))
        out[kind + "_refused"] = out.get(kind + "_refused", 0) + refused
    return out


def run_xss(work: Path, s: Settings, emb: object) -> dict[str, int]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_app

    print("\n## 4. Hostile statements in the app (Chromium)\n")
    base = work / "xss-base"
    make_writer(s, base, emb).ingest(read_statements(SMALL_CORPUS))
    idx = hostile.build_index(base, work / "xss-index", lambda d: make_writer(s, d, emb))
    demo, url = start_app(s, idx, emb, "extractive")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
            page.set_default_timeout(60_000)
            page.goto(url)
            page.wait_for_selector("#question textarea")
            steps = hostile.walk(page, [], hostile.hostile_upload(work))
            browser.close()
    finally:
        demo.close()
    print("| surface | payloads shown | executed | injected elements | text literal |")
    print("|---|---|---|---|---|")
    for st in steps:
        print(
            f"| {st.surface} | {st.payloads} | {len(st.executed)} | {len(st.injected)} | {st.literal} |"
        )
    return {
        "surfaces": len(steps),
        "cases": sum(st.payloads for st in steps),
        "payloads": hostile.payloads_covered(steps),
        "executed": sum(len(st.executed) for st in steps),
        "injected": sum(len(st.injected) for st in steps),
        "not_literal": sum(not st.literal for st in steps),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="fuzz size (1.0: ~10,000 cases)")
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--llm-questions", type=int, default=None, help="injection: default all")
    ap.add_argument("--only", default="fuzz,kills,faults,xss,load,injection")
    load_bench.add_arguments(ap)
    args = ap.parse_args()
    parts = set(args.only.split(","))
    work = Path(tempfile.mkdtemp(prefix="unsc-reliability-"))
    t0 = time.perf_counter()
    results: dict[str, dict] = {}
    if "fuzz" in parts:
        (work / "fuzz").mkdir()
        results["fuzz"] = run_fuzz(work / "fuzz", args.scale, args.seed)
    s = Settings()
    emb = make_embedder(s) if parts & {"kills", "faults", "xss", "injection"} else None
    env = kill_env(work / "crash", s, emb) if parts & {"kills", "faults"} else {}
    if "kills" in parts:
        results["kills"] = run_kills(env, args.kills, args.seed)
    if "faults" in parts:
        results["faults"] = run_faults(env)
    if "xss" in parts:
        results["xss"] = run_xss(work, s, emb)
    if "load" in parts:
        print("\n## 5. Load (bench/load.py)")
        results["load"] = load_bench.run(args)
    if "injection" in parts:
        results["injection"] = injection_bench.run(work, s, emb, args.llm_questions)
    summary(results, time.perf_counter() - t0)


def summary(r: dict[str, dict], seconds: float) -> None:
    print(f"\n## Summary ({seconds / 60:.1f} min)\n")
    if "fuzz" in r:
        f = r["fuzz"]
        print(f"fuzz cases {f['cases']}, crashes or hangs {f['failures']}, rejected records "
              f"counted {f['rejected']}, slowest file {f['slowest'][0]:.2f} s ({f['slowest'][1]})")  # fmt: skip
    if "kills" in r:
        k = r["kills"]
        print(
            f"kill points {k['points']} (reached {k['reached']}), lost or mixed statements: {k['lost_or_mixed']}"
        )
    if "faults" in r:
        f = r["faults"]
        print(
            f"disk full: {f.get('disk', 0)} runs, {f.get('disk_refused', 0)} refused in one "
            f"sentence (the rest had room); read-only: {f.get('ro', 0)} runs, "
            f"{f.get('ro_refused', 0)} refused; truncated files: {f.get('cut', 0)} runs, "
            f"{f.get('cut_refused', 0)} named with what to do; index lost or unloadable "
            f"after a fault: {f['with_problems']}"
        )
    if "xss" in r:
        x = r["xss"]
        print(f"XSS cases {x['cases']} ({x['payloads']} distinct payloads) on {x['surfaces']} "
              f"surfaces: executed {x['executed']}, "
              f"injected elements {x['injected']}, not shown literally {x['not_literal']}")  # fmt: skip
    for name, figures in r.get("load", {}).items():
        print(f"load {name}: {load_bench.line(figures)}")
    if "injection" in r:
        print(injection_bench.line(r["injection"]))


if __name__ == "__main__":
    main()
