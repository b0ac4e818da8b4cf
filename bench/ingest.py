"""Ingest benchmark: full IndexWriter ingest vs raw SentenceTransformer.encode on the same chunks.

    .venv/bin/python bench/ingest.py                       # 300 statements, 3 repeats
    .venv/bin/python bench/ingest.py --n-statements 100 --repeats 5
    .venv/bin/python bench/ingest.py --onnx                # + onnxruntime in a scratch venv

Prints medians of repeated, interleaved measurements (the machine has 2 shared cores, so single
figures are noisy; ratios taken within one repeat are the robust numbers). The encoder alone is
the floor of an ingest: ingest chunks/s ÷ encoder chunks/s should be ≥ 0.9.

Encoder variants run on a fixed subset of the same chunks: the default (batch 32, 2 threads, one
`encode` call, which sorts by length inside), unsorted batches in corpus order, 1 thread, batch
16 and 64. `--onnx` runs `onnxruntime` fp32 and int8 (dynamic quantisation) in a separate venv
(`--onnx-python`, default /tmp/onnxvenv/bin/python) and reports its mean cosine to torch.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus" / "unsc_statements.jsonl.gz"
ONNX_DIR = Path(tempfile.gettempdir()) / "unsc_onnx_bench"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (getrusage reports KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def first_statements(n: int) -> list:
    """The first n statements of the bundled corpus, parsed as an ingest parses them."""
    from index.parse import read_statements
    from index.types import Statement

    out = []
    for rec in read_statements(CORPUS):
        if isinstance(rec, Statement):
            out.append(rec)
        if len(out) == n:
            break
    return out


def chunk_texts(statements: list, embedder, chunking) -> list[str]:
    """The texts the writer embeds for these statements (same chunker, same settings)."""
    from index.chunk import chunk_statement

    return [c.text for s in statements for c in chunk_statement(s, embedder.count_tokens, chunking)]


def dir_size_mb(folder: Path) -> float:
    """Bytes under a folder, in MB."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


class TimedEmbedder:
    """Wraps an embedder and adds up the seconds spent inside `embed` and `count_tokens`."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name, self.dim, self.max_tokens = inner.name, inner.dim, inner.max_tokens
        self.embed_s = self.tokens_s = 0.0

    def embed(self, texts: list[str]) -> np.ndarray:
        """The inner embed, timed."""
        t = time.perf_counter()
        try:
            return self.inner.embed(texts)
        finally:
            self.embed_s += time.perf_counter() - t

    def count_tokens(self, text: str) -> int:
        """The inner count_tokens, timed (the chunker calls it per sentence)."""
        t = time.perf_counter()
        try:
            return self.inner.count_tokens(text)
        finally:
            self.tokens_s += time.perf_counter() - t


def run_ingest(statements: list, embedder, chunking) -> dict:
    """One full ingest into a fresh temporary index: seconds (total, inside the encoder, counting
    tokens), the chunk count the Summary reports, size on disk MB."""
    from index.build import IndexWriter

    timed = TimedEmbedder(embedder)
    with tempfile.TemporaryDirectory(prefix="bench_ingest_") as tmp:
        writer = IndexWriter(Path(tmp) / "ix", timed, chunking)
        t = time.perf_counter()
        summary = writer.ingest(iter(statements))
        secs = time.perf_counter() - t
        return {
            "s": secs,
            "embed_s": timed.embed_s,
            "tokens_s": timed.tokens_s,
            "summary_chunks": summary.chunks_embedded,
            "mb": dir_size_mb(Path(tmp) / "ix"),
        }


def encode_seconds(model, texts: list[str], batch: int, sort: bool = True) -> float:
    """Seconds to encode `texts`; sort=False feeds batches in corpus order (no length sorting)."""
    t = time.perf_counter()
    if sort:  # SentenceTransformer.encode sorts by length inside one call
        model.encode(texts, batch_size=batch, normalize_embeddings=True, convert_to_numpy=True)
    else:
        for i in range(0, len(texts), batch):
            model.encode(
                texts[i : i + batch],
                batch_size=batch,
                normalize_embeddings=True,
                convert_to_numpy=True,
            )
    return time.perf_counter() - t


def ingest_vs_encoder(statements: list, embedder, chunking, texts: list[str], repeats: int) -> dict:
    """Interleaved repeats of (full ingest, raw encode of the same chunk texts)."""
    model, n = embedder._model, len(texts)
    rows = []
    for r in range(repeats):
        ing = run_ingest(statements, embedder, chunking)
        ing["enc_s"] = encode_seconds(model, texts, embedder.batch_size)
        rows.append(ing)
        print(
            f"  repeat {r + 1}: ingest {ing['s']:.1f} s ({n / ing['s']:.1f} chunks/s; "
            f"inside encoder {ing['embed_s']:.1f} s, counting tokens {ing['tokens_s']:.1f} s), "
            f"encode alone {ing['enc_s']:.1f} s ({n / ing['enc_s']:.1f} chunks/s), "
            f"ratio {ing['enc_s'] / ing['s']:.3f}, load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    if rows[0]["summary_chunks"] != n:
        print(
            f"  note: Summary.chunks_embedded says {rows[0]['summary_chunks']} for {n} chunks "
            "(IndexWriter adds its running total per batch); figures use the real count."
        )
    return {
        "statements": len(statements),
        "chunks": n,
        "ingest_s": statistics.median(r["s"] for r in rows),
        "ingest_chunks_s": statistics.median(n / r["s"] for r in rows),
        "ingest_statements_s": statistics.median(len(statements) / r["s"] for r in rows),
        "encode_chunks_s": statistics.median(n / r["enc_s"] for r in rows),
        "ratio": statistics.median(r["enc_s"] / r["s"] for r in rows),
        "outside_encoder_s": statistics.median(r["s"] - r["embed_s"] for r in rows),
        "index_mb": rows[0]["mb"],
    }


VARIANTS = {
    "default: batch 32, 2 threads, length-sorted": (32, 2, True),
    "unsorted batches (corpus order)": (32, 2, False),
    "1 thread": (32, 1, True),
    "batch 16": (16, 2, True),
    "batch 64": (64, 2, True),
}


def encoder_variants(model, texts: list[str], repeats: int) -> dict[str, list[float]]:
    """chunks/s of each variant, measured round-robin so load drifts hit all variants alike."""
    import torch

    speeds: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(repeats):
        for name, (batch, threads, sort) in VARIANTS.items():
            torch.set_num_threads(threads)
            speeds[name].append(len(texts) / encode_seconds(model, texts, batch, sort))
    torch.set_num_threads(2)
    return speeds


def print_variants(speeds: dict[str, list[float]], n: int, extra: dict | None = None) -> None:
    """Table of median chunks/s and ratio to the default, measured in the same run."""
    base = statistics.median(next(iter(speeds.values())))
    print(f"\nEncoder variants on {n} chunks (median of {len(next(iter(speeds.values())))}):")
    print("| variant | chunks/s (median) | runs | ratio to default |")
    print("|---|---|---|---|")
    for name, vals in speeds.items():
        med = statistics.median(vals)
        runs = ", ".join(f"{v:.1f}" for v in vals)
        print(f"| {name} | {med:.1f} | {runs} | {med / base:.2f} |")
    for name, line in (extra or {}).items():
        print(f"| {name} | {line} |")


# ---- ONNX: runs inside the scratch venv (onnxruntime + onnx; no optimum) ----


def onnx_child(texts_file: Path, repeats: int) -> dict:
    """Export MiniLM to ONNX, quantise to int8, time torch / ORT fp32 / ORT int8 on the texts."""
    import onnxruntime as ort
    import torch
    from sentence_transformers import SentenceTransformer

    from index.embed import default_model_path

    torch.set_num_threads(2)
    texts = json.loads(texts_file.read_text())
    st = SentenceTransformer(str(default_model_path()), device="cpu")
    fp32, int8, int8pc = export_onnx(st)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    opts.inter_op_num_threads = 1
    sessions = {
        name: ort.InferenceSession(str(p), opts, providers=["CPUExecutionProvider"])
        for name, p in (
            ("onnx fp32", fp32),
            ("onnx int8", int8),
            ("onnx int8 per-channel, reduce_range", int8pc),
        )
    }
    ref = st.encode(texts, batch_size=32, normalize_embeddings=True)
    speeds: dict[str, list[float]] = {"torch (same venv)": [], **{n: [] for n in sessions}}
    cos: dict[str, float] = {}
    for _ in range(repeats):
        t = time.perf_counter()
        st.encode(texts, batch_size=32, normalize_embeddings=True)
        speeds["torch (same venv)"].append(len(texts) / (time.perf_counter() - t))
        for name, sess in sessions.items():
            t = time.perf_counter()
            vecs = ort_encode(sess, st, texts, 32)
            speeds[name].append(len(texts) / (time.perf_counter() - t))
            cos[name] = float(np.mean(np.sum(vecs * ref, axis=1)))
    versions = {"onnxruntime": ort.__version__, "torch": torch.__version__}
    return {"speeds": speeds, "cosine": cos, "versions": versions}


def export_onnx(st) -> tuple[Path, Path, Path]:
    """model.onnx (torch.onnx.export of the transformer) and two dynamic int8 quantisations."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    ONNX_DIR.mkdir(parents=True, exist_ok=True)
    fp32, int8 = ONNX_DIR / "model.onnx", ONNX_DIR / "model_int8.onnx"
    int8pc = ONNX_DIR / "model_int8_pc.onnx"
    if not fp32.exists():
        wrapped = _wrap(st[0].auto_model.eval())
        enc = st.tokenizer(["a sample sentence"], return_tensors="pt")
        names = ["input_ids", "attention_mask", "token_type_ids"]
        torch.onnx.export(
            wrapped,
            tuple(enc[n] for n in names),
            str(fp32),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "seq"} for n in names},
            opset_version=17,
            dynamo=False,
        )
    if not int8.exists():
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QUInt8)
    if not int8pc.exists():  # per-channel weights, 7-bit range (avoids AVX2 saturation)
        quantize_dynamic(
            str(fp32),
            str(int8pc),
            weight_type=QuantType.QUInt8,
            per_channel=True,
            reduce_range=True,
        )
    return fp32, int8, int8pc


def _wrap(hf):
    """The HF model with positional (ids, mask, types) inputs and the last hidden state out."""
    import torch

    class Wrapped(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.hf = hf

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.hf(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    return Wrapped()


def ort_encode(sess, st, texts: list[str], batch: int) -> np.ndarray:
    """Length-sorted batches through ONNX Runtime, mean pooling, L2 norm (as MiniLM's ST config)."""
    order = np.argsort([-len(t) for t in texts])
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for i in range(0, len(texts), batch):
        idx = order[i : i + batch]
        enc = st.tokenizer(
            [texts[j] for j in idx],
            padding=True,
            truncation=True,
            max_length=st.max_seq_length,
            return_tensors="np",
        )
        feeds = {
            k: enc[k].astype(np.int64) for k in ("input_ids", "attention_mask", "token_type_ids")
        }
        hidden = sess.run(None, feeds)[0]
        mask = enc["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(1) / np.clip(mask.sum(1), 1e-9, None)
        out[idx] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
    return out


def run_onnx(python: str, texts: list[str], repeats: int) -> dict | None:
    """Run the ONNX child in the scratch venv; None (with the reason printed) if it fails."""
    if not Path(python).exists():
        print(f"ONNX: {python} not found; create it with bench/README.md's scratch-venv steps.")
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(texts, fh)
    cmd = [python, __file__, "--onnx-child", fh.name, "--repeats", str(repeats)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "2"}
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=3600)
    os.unlink(fh.name)
    if p.returncode != 0:
        print("ONNX child failed:", (p.stdout + p.stderr).strip().splitlines()[-3:])
        return None
    return json.loads(p.stdout.strip().splitlines()[-1])


def print_onnx(res: dict, n: int) -> None:
    """Table of torch vs ORT speeds measured in the same child process, with cosine to torch."""
    speeds = res["speeds"]
    base = statistics.median(speeds["torch (same venv)"])
    print(f"\nONNX Runtime in a scratch venv ({res['versions']}), {n} chunks, batch 32, 2 threads:")
    print("| encoder | chunks/s (median) | runs | ratio to torch | mean cosine to torch |")
    print("|---|---|---|---|---|")
    for name, vals in speeds.items():
        med = statistics.median(vals)
        cos = res["cosine"].get(name, 1.0)
        runs = ", ".join(f"{v:.1f}" for v in vals)
        print(f"| {name} | {med:.1f} | {runs} | {med / base:.2f} | {cos:.4f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-statements", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--variant-chunks", type=int, default=256, help="chunks per encoder variant")
    ap.add_argument("--skip-variants", action="store_true")
    ap.add_argument("--skip-ingest", action="store_true", help="encoder variants (and ONNX) only")
    ap.add_argument("--onnx", action="store_true", help="also time onnxruntime (scratch venv)")
    ap.add_argument("--onnx-python", default="/tmp/onnxvenv/bin/python")
    ap.add_argument("--onnx-child", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.onnx_child:
        print(json.dumps(onnx_child(a.onnx_child, a.repeats)))
        return
    import torch

    from index.chunk import ChunkSettings
    from index.embed import SentenceTransformerEmbedder

    torch.set_num_threads(2)
    print(f"load average at start: {os.getloadavg()}, cores: {os.cpu_count()}", flush=True)
    t = time.perf_counter()
    embedder = SentenceTransformerEmbedder()
    print(f"model load {time.perf_counter() - t:.1f} s, RSS peak {peak_rss_mb():.0f} MB")
    default = ChunkSettings()
    chunking = replace(
        default, max_tokens=min(default.max_tokens, embedder.max_tokens)
    )  # as open_index
    statements = first_statements(a.n_statements)
    texts = chunk_texts(statements, embedder, chunking)
    embedder.embed(texts[:32])  # warm-up
    print(f"{len(statements)} statements -> {len(texts)} chunks; {a.repeats} repeats", flush=True)
    if not a.skip_ingest:
        res = ingest_vs_encoder(statements, embedder, chunking, texts, a.repeats)
        print(
            "\n| statements | chunks | ingest s | ingest chunks/s | statements/s | encoder chunks/s"
            " | ingest/encoder | ingest s outside the encoder | peak RSS MB | index MB |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        print(
            f"| {res['statements']} | {res['chunks']} | {res['ingest_s']:.1f} | "
            f"{res['ingest_chunks_s']:.1f} | {res['ingest_statements_s']:.2f} | "
            f"{res['encode_chunks_s']:.1f} | {res['ratio']:.3f} | {res['outside_encoder_s']:.1f} | "
            f"{peak_rss_mb():.0f} | "
            f"{res['index_mb']:.1f} |",
            flush=True,
        )
    rng = np.random.default_rng(0)
    subset = [
        texts[i]
        for i in sorted(rng.choice(len(texts), min(a.variant_chunks, len(texts)), replace=False))
    ]
    if not a.skip_variants:
        print_variants(encoder_variants(embedder._model, subset, a.repeats), len(subset))
    if a.onnx and (onnx := run_onnx(a.onnx_python, subset, a.repeats)) is not None:
        print_onnx(onnx, len(subset))
    print(f"\nload average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
