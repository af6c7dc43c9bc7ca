"""Training speed, side by side: plain Keras against the suite's way, on the same model, rows and seed.

    python bench/train_speed.py [--cases 4a,1b] [--epochs 3] [--data auto|real|embedded] [--data-dir DIR]

Three ways per case:

* plain Keras: ``model.fit`` on rows padded to ``seq_len`` with Keras's Adam, as the documented studies did;
* suite, padded: the suite's ``train.fit`` (fused Adam update) without length bucketing;
* suite: ``train.fit`` as the experiments run it, with batches padded only to their longest text.

The table gives seconds per epoch (after the first, which includes tracing),
real tokens per second, test accuracy, the estimated floating-point rate of the
recurrent layers, and the speed-up over plain Keras.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from experiments import data, models, paths, studies, train, wordvectors  # noqa: E402
from experiments.specs import expand  # noqa: E402
from experiments.vectorize import PAD, TextVectorizer  # noqa: E402

MODES = ("plain Keras", "suite, padded", "suite")
#: Every recurrent study (a sweep's first point: 3a at interval 5, 4a on the random split).
CASES = {
    "1b": "bbc-stacked-bilstm", "1c": "bbc-bilstm-attention", "2a": "20ng-lstm", "2b": "20ng-simple-rnn",
    "3a": "market-lstm", "4a": "twitter-lstm",
}


def recurrent_flops_per_token(model) -> float:
    """Multiply-adds ×2 of the recurrent and dense layers for one token, forward only.

    An LSTM step costs 4 gates × (input + units) × units multiply-adds per direction;
    a SimpleRNN step one gate. Training (forward + backward) is about 3× this.
    """
    flops = 0.0
    for layer in model.layers:
        cell = getattr(layer, "forward_layer", layer)
        directions = 2 if hasattr(layer, "forward_layer") else 1
        name = type(cell).__name__
        if name in ("LSTM", "SimpleRNN", "GRU"):
            gates = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}[name]
            node_input = layer.input[0] if isinstance(layer.input, (list, tuple)) else layer.input  # (sequence, mask)
            inputs = node_input.shape[-1]
            flops += directions * 2 * gates * (inputs + cell.units) * cell.units
    return flops


def matmul_peak() -> float:
    """What this machine's BLAS reaches on a large float32 matrix product (GFLOP/s): a practical peak."""
    a = np.random.default_rng(0).random((2048, 2048), dtype=np.float32)
    a @ a
    start = time.perf_counter()
    for _ in range(5):
        a @ a
    return 5 * 2 * 2048**3 / (time.perf_counter() - start) / 1e9


def bench_case(case: str, *, epochs: int, data_choice: str, data_dir: Path, max_train: int | None) -> list[dict]:
    declared = next(s for s in studies.STUDIES if s.id == CASES[case])
    spec = expand(declared, profile="full")[0]
    source = data.resolve_source(spec.data.dataset, data_choice, data_dir)
    profile = "full" if source == "real" else "quick"
    corpus = data.load_corpus(spec.data, source=source, profile=profile, data_dir=data_dir, cache_dir=paths.CACHE_DIR)
    splits = data.make_splits(corpus, replace(spec.data, max_train=max_train))
    vectorizer = TextVectorizer(spec.vectorize.max_tokens, spec.vectorize.seq_len).fit(splits.train.texts)
    x = {part: vectorizer.transform(getattr(splits, part).texts) for part in ("train", "validation", "test")}
    vectors = wordvectors.load_word_vectors(
        spec.vectors.name, dim=spec.vectors.dim, train_texts=splits.train.texts,
        unlabelled_texts=corpus.unlabelled or [],
        data_dir=data_dir, cache_dir=paths.CACHE_DIR, generated=source == "embedded",
    )
    weights, _ = wordvectors.embedding_matrix(vectorizer, vectors)
    real_tokens = int((x["train"] != PAD).sum())
    rows = []
    for mode in MODES:
        bucket = mode == "suite"
        train.seed_everything(0)
        model = models.build_model(
            spec.model.architecture, vocab_size=vectorizer.vocab_size, embedding_dim=vectors.dim,
            num_classes=len(corpus.class_names), seq_len=None if bucket else spec.vectorize.seq_len,
            embedding_weights=weights, trainable_embedding=spec.vectors.trainable, **spec.model.params,
        )
        train_spec = replace(spec.train, epochs=epochs, patience=None, bucket_by_length=bucket)
        fitting = (x["train"], splits.train.labels), (x["validation"], splits.validation.labels)
        if mode == "plain Keras":
            epoch_seconds = plain_keras_fit(model, *fitting, train_spec)
        else:
            work = paths.ROOT / "build" / "bench" / f"{case}-{mode.replace(' ', '-').replace(',', '')}"
            shutil.rmtree(work, ignore_errors=True)  # no resume from an earlier benchmark
            epoch_seconds = train.fit(model, *fitting, train_spec, work_dir=work, verbose=0)["epoch_seconds"]
        proba = train.predict(model, x["test"], bucket=bucket)
        seconds = float(np.mean(epoch_seconds[1:] or epoch_seconds))
        # Work actually done per epoch: every padded position, or only up to each batch's width when bucketed.
        positions = _bucketed_positions(x["train"], train_spec.batch_size) if bucket else x["train"].size
        rows.append({
            "case": f"{case} ({source}, {len(splits.train):,} rows)", "mode": mode,
            "seconds": seconds, "tokens_per_s": real_tokens / seconds,
            "accuracy": float((proba.argmax(1) == splits.test.labels).mean()),
            "gflops": 3 * recurrent_flops_per_token(model) * positions / seconds / 1e9,
        })
    return rows


def plain_keras_fit(model, train_xy, validation, spec) -> list[float]:
    """The documented studies' way: Keras's Adam, every row padded to ``seq_len``, Keras's own batching."""
    import keras

    model.compile(optimizer=keras.optimizers.Adam(learning_rate=spec.learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    timer = train.EpochTimer()
    model.fit(*train_xy, batch_size=spec.batch_size, epochs=spec.epochs, validation_data=validation,
              callbacks=[timer], verbose=0)
    return timer.seconds


def _bucketed_positions(x: np.ndarray, batch_size: int) -> int:
    batches = train.LengthBatches(x, None, batch_size, shuffle=False)
    return sum(batches[i].size for i in range(len(batches)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", default=",".join(CASES), help=f"comma-separated, from {', '.join(CASES)}")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--data", default="auto", choices=data.DATA_CHOICES)
    parser.add_argument("--data-dir", type=Path, default=paths.DATA_DIR)
    parser.add_argument("--max-train", type=int, default=None, help="cap on training rows")
    args = parser.parse_args()

    import keras

    print(f"backend {keras.backend.backend()}, {os.cpu_count()} CPU cores, matmul peak {matmul_peak():.0f} GFLOP/s")
    print(f"{'case':<34} {'mode':<13} {'s/epoch':>8} {'tokens/s':>10} {'test acc':>8} {'GFLOP/s':>8} {'speed-up':>8}")
    for case in args.cases.split(","):
        rows = bench_case(case.strip(), epochs=args.epochs, data_choice=args.data,
                          data_dir=args.data_dir, max_train=args.max_train)
        plain, suite = rows[0], rows[-1]
        for row in rows:
            print(f"{row['case']:<34} {row['mode']:<13} {row['seconds']:>8.2f} {row['tokens_per_s']:>10,.0f} "
                  f"{row['accuracy']:>8.3f} {row['gflops']:>8.2f} {plain['seconds'] / row['seconds']:>7.2f}×")
        print(f"{'':<34} accuracy difference (suite − plain Keras): {suite['accuracy'] - plain['accuracy']:+.3f}")


if __name__ == "__main__":
    main()
