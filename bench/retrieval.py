"""Retrieval benchmark: Retriever.search latency, FAISS index types at scale, LangChain baseline.

    .venv/bin/python bench/retrieval.py                     # all three parts on data/index
    .venv/bin/python bench/retrieval.py --index /tmp/benchix --skip-scale
    .venv/bin/python bench/retrieval.py --scale-only --sizes 10000 100000

(a) p50/p95 of `Retriever.search` (hybrid, dense, bm25; no reranker) over the questions of
    data/eval/dev.jsonl, with and without their filters, and statement-level recall@5.
(b) FAISS index types (Flat, SQfp16, IVF nprobe 8/16/32, HNSW32 at <= 100k) on synthetic vectors
    drawn like the real ones (mean and covariance of the index's MiniLM vectors, clustered), with
    recall@10 against exact search and a one-"country" (1%) filtered search.
(c) the usual LangChain recipe over the same chunk texts and vectors (langchain_community FAISS +
    BM25Retriever + langchain_classic EnsembleRetriever), timed in the same run.
The machine has 2 cores shared with other jobs: every figure is the median over repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from scale import exact_top, recall  # noqa: E402  (bench/scale.py: exact top-10, recall@10)

DEV = ROOT / "data" / "eval" / "dev.jsonl"
CACHE = Path(tempfile.gettempdir()) / "unsc_retrieval_bench"
K_RECALL = 5
DIM = 384


def pct(ms: list[float], q: float) -> float:
    """Percentile of a list of milliseconds."""
    return float(np.percentile(ms, q))


def med_runs(runs: list[list[float]], q: float) -> float:
    """Median over repeats of a per-repeat percentile."""
    return statistics.median(pct(r, q) for r in runs)


def load_dev() -> list[dict]:
    """The development questions."""
    return [json.loads(line) for line in DEV.open()]


def recall_at(found: list[list[str]], dev: list[dict], k: int = K_RECALL) -> float:
    """Statement-level recall@k over answerable questions (a chunk counts for its statement)."""
    vals = [
        len(set(f[:k]) & set(d["gold_ids"])) / len(d["gold_ids"])
        for f, d in zip(found, dev, strict=True)
        if d["gold_ids"]
    ]
    return float(np.mean(vals))


def timed_queries(fn, questions: list[tuple[str, dict | None]]) -> tuple[list[float], list]:
    """Milliseconds per question and what `fn` returned, one question at a time."""
    ms, out = [], []
    for q, flt in questions:
        t = time.perf_counter()
        out.append(fn(q, flt))
        ms.append((time.perf_counter() - t) * 1000)
    return ms, out


# ---------------------------------------------------------------- (a) + (c): dev questions


def our_retrievers(index_dir: Path):
    """Retrievers of every mode over one loaded index, sharing the embedder (as the app does)."""
    from rag.components import make_embedder, make_retriever, open_index
    from rag.settings import Settings

    s = Settings()
    emb = make_embedder(s)
    idx = open_index(s, index_dir, emb)
    modes = ("hybrid", "dense", "bm25")
    return emb, idx, {m: make_retriever(s, index_dir, m, emb, idx) for m in modes}


def langchain_baseline(emb, idx):
    """The usual recipe over the same chunk texts and stored vectors (no re-embedding)."""
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_community.vectorstores import FAISS
    from langchain_core.embeddings import Embeddings

    class Wrapped(Embeddings):
        """Our SentenceTransformerEmbedder behind langchain_core's interface."""

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return emb.embed(texts).tolist()

        def embed_query(self, text: str) -> list[float]:
            return emb.embed([text])[0].tolist()

    rows = idx.meta.db.execute("SELECT faiss_id, statement_id, text FROM chunks ORDER BY faiss_id")
    fids, sids, texts = zip(*[(r[0], r[1], r[2]) for r in rows], strict=True)
    vecs = idx.store.reconstruct(np.asarray(fids, dtype=np.int64))
    metas = [{"statement_id": s} for s in sids]
    t = time.perf_counter()
    vs = FAISS.from_embeddings(list(zip(texts, vecs.tolist(), strict=True)), Wrapped(), metas)
    bm25 = BM25Retriever.from_texts(list(texts), metadatas=metas, k=K_RECALL)
    dense = vs.as_retriever(search_kwargs={"k": K_RECALL})
    ens = EnsembleRetriever(retrievers=[bm25, dense], weights=[0.5, 0.5])
    build_s = time.perf_counter() - t
    return {"ensemble": ens, "faiss": dense, "bm25": bm25}, build_s, len(texts)


def dev_latency(index_dir: Path, repeats: int, langchain: bool) -> None:
    """(a) and (c): our modes with/without filters, LangChain's retrievers, in one run."""
    from index.faiss_store import set_threads

    dev = load_dev()
    emb, idx, ours = our_retrievers(index_dir)
    plain = [(d["question"], None) for d in dev]
    filtered = [(d["question"], d.get("filters")) for d in dev]
    only_f = [(d["question"], d["filters"]) for d in dev if d.get("filters")]
    configs = {}
    for mode, r in ours.items():

        def run(q, flt, r=r):
            return [p.statement_id for p in r.search(q, K_RECALL, flt)]

        configs[f"ours {mode}, no filters"] = (run, plain)
        configs[f"ours {mode}, with dev filters"] = (run, filtered)
        configs[f"ours {mode}, filtered questions only ({len(only_f)})"] = (run, only_f)
    configs["query embedding alone (emb.embed)"] = (lambda q, flt: emb.embed([q]), plain)
    for mode in ("hybrid", "dense"):  # FAISS's OpenMP threads vs torch's on 2 cores

        def one_thread(q, flt, r=ours[mode]):
            set_threads(1)
            try:
                return [p.statement_id for p in r.search(q, K_RECALL, flt)]
            finally:
                set_threads(2)

        configs[f"ours {mode}, no filters, FAISS on 1 OpenMP thread"] = (one_thread, plain)
    if langchain:
        lc, build_s, n = langchain_baseline(emb, idx)
        print(f"LangChain baseline built over {n} chunks in {build_s:.1f} s (no re-embedding)")
        for name, r in lc.items():

            def run_lc(q, flt, r=r):
                return [d.metadata["statement_id"] for d in r.invoke(q)]

            configs[f"langchain {name}, no filters"] = (run_lc, plain)
    for fn, qs in configs.values():  # warm-up: first calls load caches and pages
        for q in qs[:3]:
            fn(*q)
    runs: dict[str, list[list[float]]] = {c: [] for c in configs}
    found: dict[str, list] = {}
    for rep in range(repeats):  # round-robin so drifting load hits every config alike
        for name, (fn, qs) in configs.items():
            ms, found[name] = timed_queries(fn, qs)
            runs[name].append(ms)
        print(f"  repeat {rep + 1}/{repeats} done, load {os.getloadavg()[0]:.1f}", flush=True)
    print_dev(runs, found, configs, dev)


def print_dev(runs: dict, found: dict, configs: dict, dev: list[dict]) -> None:
    """Latency and recall table; ratio to our hybrid (no filters) measured in the same run."""
    base = med_runs(runs["ours hybrid, no filters"], 50)
    print(f"\n| retriever | queries | p50 ms | p95 ms | p50 / ours hybrid | recall@{K_RECALL} |")
    print("|---|---|---|---|---|---|")
    for name, rs in runs.items():
        qs = configs[name][1]
        sub = dev if len(qs) == len(dev) else [d for d in dev if d.get("filters")]
        rec = "—" if name.startswith("query") else f"{recall_at(found[name], sub):.3f}"
        p50, p95 = med_runs(rs, 50), med_runs(rs, 95)
        print(f"| {name} | {len(qs)} | {p50:.1f} | {p95:.1f} | {p50 / base:.2f} | {rec} |")
    if "langchain ensemble, no filters" in runs:
        lc = med_runs(runs["langchain ensemble, no filters"], 50)
        print(f"\nLangChain ensemble p50 / ours hybrid p50 = {lc / base:.1f}x (same run)")
    print(f"(recall over the {sum(bool(d['gold_ids']) for d in dev)} answerable questions)")


# ---------------------------------------------------------------- (b): scale


def real_vectors(index_dir: Path) -> np.ndarray:
    """Every stored vector of an index (decoded to float32)."""
    from index.loaded import load_index

    idx = load_index(index_dir)
    return idx.store.reconstruct(idx.store.all_ids())


class RealLike:
    """Clustered vectors with the real vectors' mean and covariance: centres + scaled noise."""

    def __init__(self, real: np.ndarray, per_cluster: int = 100) -> None:
        self.mu = real.mean(0)
        _, s, vt = np.linalg.svd(real - self.mu, full_matrices=False)
        self.basis = (s[:, None] / np.sqrt(len(real) - 1)) * vt  # rows: sqrt(lambda_i) u_i
        self.per_cluster = per_cluster
        self.alpha = self.beta = 0.5

    def sample(self, n: int, nq: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """n points and nq queries (fresh draws around the same centres, wider), unit length."""
        rng = np.random.default_rng(seed)
        nc = max(10, n // self.per_cluster)
        centres = self.mu + rng.standard_normal((nc, DIM)).astype(np.float32) @ self.basis
        x = np.empty((n, DIM), dtype=np.float32)
        for s in range(0, n, 100_000):
            m = min(100_000, n - s)
            x[s : s + m] = self._around(centres[rng.integers(0, nc, m)], rng, self.alpha)
        q = self._around(centres[rng.integers(0, nc, nq)], rng, self.beta)
        return x, q

    def _around(self, c: np.ndarray, rng: np.random.Generator, spread: float) -> np.ndarray:
        p = c + spread * (rng.standard_normal(c.shape).astype(np.float32) @ self.basis)
        return (p / np.linalg.norm(p, axis=1, keepdims=True)).astype(np.float32)

    def calibrate(self, real: np.ndarray, real_q: np.ndarray) -> dict:
        """Pick the chunk spread whose 10th-neighbour cosine matches the real chunks', then the
        query spread whose 10th-hit cosine matches the dev questions' against the real chunks."""
        target, q_target = nn_cosine(real), hit_cosine(real_q, real)
        alpha = min(GRID, key=lambda a: abs(self._stat(real, a, None) - target))
        betas = [b for b in (*GRID, 1.5, 2.0, 3.0) if b >= alpha]
        beta = min(betas, key=lambda b: abs(self._stat(real, alpha, b) - q_target))
        report = {
            "alpha": alpha,
            "beta": beta,
            "nn10_cos real/synthetic": (round(target, 3), round(self._stat(real, alpha, None), 3)),
            "query hit10_cos real/synthetic": (
                round(q_target, 3),
                round(self._stat(real, alpha, beta), 3),
            ),
        }
        self.alpha, self.beta = alpha, beta
        return report

    def _stat(self, real: np.ndarray, alpha: float, beta: float | None) -> float:
        self.alpha, self.beta = alpha, beta or alpha
        x, q = self.sample(len(real), 200, seed=7)
        return nn_cosine(x) if beta is None else hit_cosine(q, x)


GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 1.2)


def hit_cosine(q: np.ndarray, x: np.ndarray, k: int = 10) -> float:
    """Mean cosine of queries to their k-th best stored vector."""
    return float(np.sort(q @ x.T, axis=1)[:, -k].mean())


def nn_cosine(x: np.ndarray, n: int = 2000, k: int = 10) -> float:
    """Mean cosine of a sample of points to their k-th nearest other point (k=10: recall@10's
    horizon, and past the overlapping neighbour chunks of the same statement)."""
    rows = np.random.default_rng(3).choice(len(x), min(n, len(x)), replace=False)
    sims = x[rows] @ x.T
    sims[np.arange(len(rows)), rows] = -1
    return float(np.sort(sims, axis=1)[:, -k].mean())


def real_data(real: np.ndarray) -> dict[str, np.ndarray]:
    """The index's own vectors with the dev questions embedded as queries: the check on the
    synthetic data (does an approximate index keep recall on real MiniLM vectors?)."""
    from index.embed import SentenceTransformerEmbedder

    q = SentenceTransformerEmbedder().embed([d["question"] for d in load_dev()])
    groups = 100 if len(real) >= 5000 else 10  # one "country" ~1% (10% on a tiny test index)
    country = np.random.default_rng(5).integers(0, groups, len(real))
    data = {"x": real, "country": country, "q": q, "truth": exact_top(real, q)}
    data["truth_f"] = exact_top(real, q, np.flatnonzero(country == 0))
    return data


def prepare_scale(gen: RealLike, n: int, nq: int) -> dict[str, np.ndarray]:
    """Vectors, country labels (100, so one is ~1%), queries and exact answers; cached per size."""
    folder = CACHE / f"{n}_{gen.alpha}_{gen.beta}"
    names = ("x", "country", "q", "truth", "truth_f")
    if all((folder / f"{f}.npy").exists() for f in names):
        return {f: np.load(folder / f"{f}.npy") for f in names}
    folder.mkdir(parents=True, exist_ok=True)
    x, q = gen.sample(n, nq)
    country = np.random.default_rng(5).integers(0, 100, n)
    data = {"x": x, "country": country, "q": q, "truth": exact_top(x, q)}
    data["truth_f"] = exact_top(x, q, np.flatnonzero(country == 0))
    for f, v in data.items():
        np.save(folder / f"{f}.npy", v)
    return data


def index_plan(n: int, hnsw_max: int) -> list[tuple[str, str, dict]]:
    """(label, factory, search knobs) per index type at size n."""
    nlist = 256 if n <= 30_000 else (1024 if n <= 300_000 else 2048)
    plan = [("Flat", "Flat", {}), ("SQfp16", "SQfp16", {})]
    plan += [(f"IVF{nlist},Flat", f"IVF{nlist},Flat", {"nprobe": p}) for p in (8, 16, 32)]
    if n <= hnsw_max:
        plan.append(("HNSW32", "HNSW32", {"ef_search": 64}))
    return plan


def scale_rows(data: dict, n: int, hnsw_max: int, nq_slow: int) -> list[dict]:
    """Build each index type once, search it under each knob, with and without a filter."""
    from index.faiss_store import FaissStore, set_threads

    rows, store, built = [], None, ""
    allowed = np.flatnonzero(data["country"] == 0).astype(np.int64)
    for label, factory, knobs in index_plan(n, hnsw_max):
        if factory != built:
            store = None
            set_threads(2)
            t = time.perf_counter()
            store = FaissStore(DIM, factory)
            ids = np.arange(n, dtype=np.int64)
            for s in range(0, n, 100_000):  # IVF trains on the first 100k, as a batched ingest
                store.add(ids[s : s + 100_000], data["x"][s : s + 100_000])
            build_s, built = time.perf_counter() - t, factory
            set_threads(1)
        for k, v in knobs.items():
            setattr(store, k, v)
        slow = factory in ("Flat", "SQfp16") and n >= 1_000_000
        q = data["q"][:nq_slow] if slow else data["q"]
        found, ms = _timed_store(lambda v, st=store: st.search(v, 10)[1], q)
        found_f, ms_f = _timed_store(lambda v, st=store: st.search(v, 10, allowed)[1], q[:50])
        knob = ", ".join(f"{k} {v}" for k, v in knobs.items())
        rows.append(
            {
                "index": f"{label} ({knob})" if knob else label,
                "n": n,
                "build_s": build_s,
                "queries": len(q),
                "p50": pct(ms, 50),
                "p95": pct(ms, 95),
                "recall10": recall(found, data["truth"][: len(q)]),
                "f_p50": pct(ms_f, 50),
                "f_p95": pct(ms_f, 95),
                "f_recall10": recall(found_f, data["truth_f"][: len(found_f)]),
            }
        )
        print(
            "  "
            + json.dumps(
                {k: round(v, 3) if isinstance(v, float) else v for k, v in rows[-1].items()}
            ),
            flush=True,
        )
    return rows


def _timed_store(fn, queries: np.ndarray) -> tuple[np.ndarray, list[float]]:
    fn(queries[:1])  # warm-up
    out, ms = [], []
    for v in queries:
        t = time.perf_counter()
        out.append(fn(v[None, :])[0])
        ms.append((time.perf_counter() - t) * 1000)
    return np.asarray(out), ms


def scale(index_dir: Path, sizes: list[int], hnsw_max: int, nq: int, nq_slow: int) -> None:
    """(b): every index type at every size; prints a table."""
    real = real_vectors(index_dir)
    rd = real_data(real)
    gen = RealLike(real)
    cal = gen.calibrate(real, rd["q"])
    print(f"synthetic data from {len(real)} real vectors: {cal}", flush=True)
    rows = scale_rows(rd, len(real), hnsw_max, nq_slow)
    for r in rows:
        r["index"] += " [real vectors, dev questions]"
    for n in sizes:
        t = time.perf_counter()
        data = prepare_scale(gen, n, nq)
        print(f"{n} rows ready in {time.perf_counter() - t:.0f} s", flush=True)
        rows += scale_rows(data, n, hnsw_max, nq_slow)
        del data
    print(
        "\n| index | rows | build s | queries | p50 ms | p95 ms | recall@10 | "
        "filtered p50 ms | filtered p95 ms | filtered recall@10 |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['index']} | {r['n']:,} | {r['build_s']:.1f} | {r['queries']} | {r['p50']:.2f} | "
            f"{r['p95']:.2f} | {r['recall10']:.3f} | {r['f_p50']:.2f} | {r['f_p95']:.2f} | "
            f"{r['f_recall10']:.3f} |"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=ROOT / "data" / "index")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-langchain", action="store_true")
    ap.add_argument("--skip-scale", action="store_true")
    ap.add_argument("--scale-only", action="store_true")
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--hnsw-max", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=100, help="synthetic queries per size")
    ap.add_argument("--queries-slow", type=int, default=40, help="for Flat/SQfp16 at 1M")
    a = ap.parse_args()
    if not (a.index / "CURRENT").exists():
        raise SystemExit(f"No index at {a.index}: run `make index` (or pass --index DIR).")
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, load {os.getloadavg()}, cores {os.cpu_count()}")
    t = time.perf_counter()
    if not a.scale_only:
        dev_latency(a.index, a.repeats, not a.skip_langchain)
    if not a.skip_scale:
        scale(a.index, a.sizes, a.hnsw_max, a.queries, a.queries_slow)
    print(f"\ntotal {time.perf_counter() - t:.0f} s, load at end {os.getloadavg()}")


if __name__ == "__main__":
    main()
