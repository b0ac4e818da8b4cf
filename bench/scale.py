"""Scale benchmark: FAISS Flat / IVF / HNSW vs Milvus Lite at 100k-1M synthetic chunks (dim 384).

    .venv/bin/python bench/scale.py                      # the default, bounded run
    .venv/bin/python bench/scale.py --faiss-sizes 100000 --milvus-sizes 100000
    .venv/bin/python bench/scale.py --lexical            # Milvus BM25 vs bm25s on the real corpus

Every (backend, size) runs in its own child process, so the RSS delta is that backend's alone.
Recall@10 is against exact inner-product search; "filtered" searches one country (1% of rows).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DIM = 384
K = 10
COUNTRIES = 100  # uniform: one country is ~1% of rows
CACHE = Path(tempfile.gettempdir()) / "unsc_scale_bench"
MILVUS_INSERT_LIMIT_S = 600
ROOT = Path(__file__).resolve().parents[1]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def make_data(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Clustered unit vectors (like topic-clustered chunks) with country and day metadata."""
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((2000, DIM)).astype(np.float32)
    x = np.empty((n, DIM), dtype=np.float32)
    for s in range(0, n, 100_000):
        m = min(100_000, n - s)
        part = centers[rng.integers(0, len(centers), m)]
        part += 1.2 * rng.standard_normal((m, DIM)).astype(np.float32)
        x[s : s + m] = part / np.linalg.norm(part, axis=1, keepdims=True)
    return x, rng.integers(0, COUNTRIES, n), rng.integers(0, 30 * 365, n)


def make_queries(x: np.ndarray, nq: int) -> np.ndarray:
    rng = np.random.default_rng(1)
    q = x[rng.integers(0, len(x), nq)] + 0.6 * rng.standard_normal((nq, DIM)).astype(np.float32)
    return (q / np.linalg.norm(q, axis=1, keepdims=True)).astype(np.float32)


def exact_top(x: np.ndarray, q: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Exact top-K ids (row numbers) by inner product, blockwise to bound memory."""
    base = x if rows is None else x[rows]
    best_s = np.full((len(q), K), -np.inf, dtype=np.float32)
    best_i = np.zeros((len(q), K), dtype=np.int64)
    for s in range(0, len(base), 200_000):
        sc = q @ base[s : s + 200_000].T
        top = np.argpartition(-sc, K, axis=1)[:, :K]
        cand_s = np.concatenate([best_s, np.take_along_axis(sc, top, 1)], axis=1)
        cand_i = np.concatenate([best_i, top + s], axis=1)
        order = np.argsort(-cand_s, axis=1)[:, :K]
        best_s, best_i = np.take_along_axis(cand_s, order, 1), np.take_along_axis(cand_i, order, 1)
    return best_i if rows is None else rows[best_i]


def prepare(n: int, nq: int) -> Path:
    """Write vectors, metadata, queries and exact answers once per size."""
    folder = CACHE / str(n)
    if (folder / "truth_f.npy").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    x, country, day = make_data(n)
    q = make_queries(x, nq)
    np.save(folder / "x.npy", x)
    np.save(folder / "country.npy", country)
    np.save(folder / "day.npy", day)
    np.save(folder / "q.npy", q)
    np.save(folder / "truth.npy", exact_top(x, q))
    np.save(folder / "truth_f.npy", exact_top(x, q, np.flatnonzero(country == 0)))
    return folder


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / K for f, t in zip(found, truth, strict=True)]))


def timed(fn, queries: np.ndarray) -> tuple[np.ndarray, list[float]]:
    out, ms = [], []
    for q in queries:
        t = time.perf_counter()
        out.append(fn(q[None, :])[0])
        ms.append((time.perf_counter() - t) * 1000)
    return np.asarray(out), ms


def faiss_build(kind: str, x: np.ndarray):
    from index.faiss_store import FaissStore, set_threads

    set_threads(2)
    factory = {"flat": "Flat", "hnsw": "HNSW32", "ivf": f"IVF{ivf_lists(len(x))},Flat"}[kind]
    store = FaissStore(DIM, factory)
    ids = np.arange(len(x), dtype=np.int64)
    for s in range(0, len(x), 100_000):  # IVF trains on the first 100k, like a batched ingest
        store.add(ids[s : s + 100_000], x[s : s + 100_000])
    set_threads(1)
    allowed = np.flatnonzero(np.load(CACHE / str(len(x)) / "country.npy") == 0)

    def search(q):
        return store.search(q, K)[1]

    def filtered(q):
        return store.search(q, K, allowed=allowed)[1]

    return store, search, filtered, {"factory": factory}


def ivf_lists(n: int) -> int:
    return 1024 if n <= 300_000 else 2048


def milvus_build(x: np.ndarray, country: np.ndarray, day: np.ndarray):
    from index.faiss_store import set_threads
    from index.milvus_store import MilvusStore, filters_to_expr
    from index.types import Filters

    set_threads(2)
    folder = Path(tempfile.mkdtemp(prefix="milvus_bench_"))
    store = MilvusStore(str(folder / "bench.db"), "chunks", DIM)
    ids = np.arange(len(x), dtype=np.int64)
    t0 = time.perf_counter()
    for s in range(0, len(x), 10_000):
        rows = [
            _scalars(int(c), int(d))
            for c, d in zip(country[s : s + 10_000], day[s : s + 10_000], strict=True)
        ]
        store.add(ids[s : s + 10_000], x[s : s + 10_000], rows)
        if time.perf_counter() - t0 > MILVUS_INSERT_LIMIT_S:
            raise SystemExit(f"Milvus Lite insert passed {MILVUS_INSERT_LIMIT_S}s at {s} rows")
    extra = {"insert_s": round(time.perf_counter() - t0, 1), "dir": str(folder)}
    set_threads(1)
    expr = filters_to_expr(Filters(countries=("Country 000",)))

    def search(q):
        return store.search(q, K)[1]

    def filtered(q):
        return store.search_filtered(q, K, expr)[1]

    return store, search, filtered, extra


def _scalars(country: int, day: int) -> dict[str, str]:
    date = np.datetime64("1995-01-01") + np.timedelta64(day, "D")
    return {
        "country_key": f"country {country:03d}",
        "date": str(date),
        "symbol_base": f"S/PV.{3500 + day // 3}",
        "statement_id": f"st{day}-{country}",
        "collection": "synthetic",
    }


def child(kind: str, n: int) -> dict:
    """Build one backend over n rows in this process and measure it."""
    folder = CACHE / str(n)
    x = np.load(folder / "x.npy")
    country, day = np.load(folder / "country.npy"), np.load(folder / "day.npy")
    q, truth, truth_f = (np.load(folder / f) for f in ("q.npy", "truth.npy", "truth_f.npy"))
    base = rss_mb()
    t = time.perf_counter()
    if kind == "milvus":
        store, search, filtered, extra = milvus_build(x, country, day)
    else:
        store, search, filtered, extra = faiss_build(kind, x)
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    search(q[:1])
    first_ms = (time.perf_counter() - t) * 1000
    found, ms = timed(search, q)
    found_f, ms_f = timed(filtered, q[: max(20, len(q) // 2)])
    return {
        "backend": kind,
        "n": n,
        "build_s": round(build_s, 1),
        "first_query_ms": round(first_ms, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "recall10": round(recall(found, truth), 3),
        "filt_p50_ms": round(float(np.percentile(ms_f, 50)), 2),
        "filt_p95_ms": round(float(np.percentile(ms_f, 95)), 2),
        "filt_recall10": round(recall(found_f, truth_f[: len(found_f)]), 3),
        "rss_delta_mb": round(rss_mb() - base),
        "ntotal": int(store.ntotal),
        **extra,
    }


def run_child(kind: str, n: int) -> dict | None:
    cmd = [sys.executable, __file__, "--child", kind, str(n)]
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=1800, env=_env())
    if p.returncode != 0:
        tail = (p.stdout + p.stderr).strip().splitlines()[-1:]
        print(f"  {kind} {n}: failed after {time.perf_counter() - t:.0f}s: {tail}", flush=True)
        return None
    res = json.loads(p.stdout.strip().splitlines()[-1])
    print(f"  {json.dumps(res)}", flush=True)
    return res


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "2"}


COLS = [
    "backend",
    "n",
    "build_s",
    "p50_ms",
    "p95_ms",
    "recall10",
    "filt_p50_ms",
    "filt_p95_ms",
    "filt_recall10",
    "rss_delta_mb",
]


def table(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(COLS) + " |", "|" + "---|" * len(COLS)]
    lines += ["| " + " | ".join(str(r.get(c, "")) for c in COLS) + " |" for r in rows]
    return "\n".join(lines)


def corpus_chunks(size: int = 1000) -> tuple[list[str], list[str]]:
    """The bundled real corpus cut into plain 1,000-character chunks, with statement ids."""
    import gzip

    texts, owners = [], []
    with gzip.open(ROOT / "data" / "corpus" / "unsc_statements.jsonl.gz", "rt") as fh:
        for line in fh:
            rec = json.loads(line)
            for s in range(0, len(rec["text"]), size):
                texts.append(rec["text"][s : s + size])
                owners.append(rec["id"])
    return texts, owners


def milvus_bm25(texts: list[str]):
    """A Milvus Lite collection with a BM25 function over the text (full-text search)."""
    from pymilvus import DataType, Function, FunctionType, MilvusClient

    client = MilvusClient(str(Path(tempfile.mkdtemp(prefix="milvus_bm25_")) / "lex.db"))
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("text", DataType.VARCHAR, max_length=8192, enable_analyzer=True)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(
        Function(
            name="bm25",
            function_type=FunctionType.BM25,
            input_field_names=["text"],
            output_field_names=["sparse"],
        )
    )
    params = client.prepare_index_params()
    params.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    client.create_collection("lex", schema=schema, index_params=params, consistency_level="Strong")
    for s in range(0, len(texts), 2000):
        client.insert("lex", [{"id": s + i, "text": t} for i, t in enumerate(texts[s : s + 2000])])

    def search(query: str) -> list[int]:
        hits = client.search(
            "lex",
            data=[query],
            anns_field="sparse",
            limit=K,
            output_fields=["id"],
            search_params={"metric_type": "BM25"},
        )
        return [int(h["id"]) for h in hits[0]]

    return search


def lexical() -> None:
    """Milvus BM25 full-text vs bm25s: build time, latency, agreement and gold hit@10."""
    from index.lexical import BM25Index

    texts, owners = corpus_chunks()
    dev = [json.loads(x) for x in (ROOT / "data" / "eval" / "dev.jsonl").open()]
    print(f"{len(texts)} chunks, {len(dev)} questions", flush=True)
    t = time.perf_counter()
    bm = BM25Index()
    bm.build(texts)
    engines = {"bm25s": (time.perf_counter() - t, lambda q: bm.search(q, K)[1].tolist())}
    t = time.perf_counter()
    search = milvus_bm25(texts)
    engines["milvus_bm25"] = (time.perf_counter() - t, search)
    found: dict[str, list[list[int]]] = {}
    for name, (build_s, fn) in engines.items():
        ms, found[name] = [], []
        for d in dev:
            t = time.perf_counter()
            found[name].append(fn(d["question"]))
            ms.append((time.perf_counter() - t) * 1000)
        hit = np.mean(
            [
                bool({owners[i] for i in f} & set(d["gold_ids"]))
                for f, d in zip(found[name], dev, strict=True)
            ]
        )
        print(
            f"| {name} | {build_s:.1f} | {np.percentile(ms, 50):.1f} | "
            f"{np.percentile(ms, 95):.1f} | {hit:.3f} |",
            flush=True,
        )
    overlap = np.mean(
        [
            len(set(a) & set(b)) / K
            for a, b in zip(found["bm25s"], found["milvus_bm25"], strict=True)
        ]
    )
    print(f"top-10 overlap bm25s vs milvus_bm25: {overlap:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--faiss-sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--hnsw-sizes", type=int, nargs="*", default=[100_000])
    ap.add_argument("--milvus-sizes", type=int, nargs="*", default=[100_000, 300_000])
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--out", type=Path, default=CACHE / "results.json")
    ap.add_argument("--child", nargs=2, metavar=("BACKEND", "N"))
    ap.add_argument("--lexical", action="store_true")
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(a.child[0], int(a.child[1]))))
        return
    if a.lexical:
        lexical()
        return
    plan = [(k, n) for n in a.faiss_sizes for k in ("flat", "ivf")]
    plan += [("hnsw", n) for n in a.hnsw_sizes] + [("milvus", n) for n in a.milvus_sizes]
    rows = []
    for kind, n in plan:
        prepare(n, a.queries)
        print(f"{kind} {n} ...", flush=True)
        if (res := run_child(kind, n)) is not None:
            rows.append(res)
            a.out.write_text(json.dumps(rows, indent=1))
    print(table(rows))


if __name__ == "__main__":
    main()
