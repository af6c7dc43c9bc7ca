"""Training speed, side by side: plain Keras against the suite, on the same model, rows and seed.

    python bench/train_speed.py [--cases 4a,1b] [--epochs 3] [--levers] [--data auto|real|embedded] [--data-dir DIR]

Each way runs in a process of its own, because a process has one Keras backend:

* plain Keras: ``model.fit`` on TensorFlow with Keras's Adam, every row padded
  to ``seq_len``, as the documented studies did;
* suite: ``train.fit`` as the experiments run it, on the backend that
  ``experiments/__init__.py`` picks (JAX where installed), batches padded only
  to their longest text.

``--levers`` adds the other ways tried, one change at a time from the suite on
TensorFlow (its step-by-step loop with a fused Adam update): ``jit_compile``,
``steps_per_execution``, the JAX backend with ``steps_per_execution``, and two
suite runs side by side (their combined rate: seconds per epoch of one run
divided by two).

The table gives seconds per epoch (the mean after the first, which includes
compiling), real tokens per second, test accuracy after ``--epochs`` epochs,
the estimated floating-point rate of the recurrent layers, and the speed-up
over plain Keras.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: Every recurrent study (a sweep's first point: 3a at interval 5, 4a on the random split).
CASES = {
    "1b": "bbc-stacked-bilstm", "1c": "bbc-bilstm-attention", "2a": "20ng-lstm", "2b": "20ng-simple-rnn",
    "3a": "market-lstm", "4a": "twitter-lstm",
}


@dataclass(frozen=True)
class Way:
    """One way of training: the backend, whether it is the suite's ``train.fit``, and compile options."""

    name: str
    backend: str | None  # None: the backend experiments/__init__.py picks
    suite: bool = True
    compile: dict = field(default_factory=dict)
    side_by_side: int = 1


PLAIN = Way("plain Keras", "tensorflow", suite=False)
SUITE = Way("suite", None)
LEVERS = (
    Way("TF step loop", "tensorflow"),
    Way("TF + jit_compile", "tensorflow", compile={"jit_compile": True}),
    Way("TF + steps/exec 16", "tensorflow", compile={"steps_per_execution": 16}),
    Way("JAX + steps/exec 16", "jax", compile={"steps_per_execution": 16}),
    Way("suite, 2 side by side", None, side_by_side=2),
)


def measure(case: str, way: Way, *, epochs: int, seed: int, args: argparse.Namespace) -> dict:
    """Train ``case`` the given way in a fresh process; return its measurements."""
    env = dict(os.environ)
    env.pop("KERAS_BACKEND", None)
    if way.backend:
        env["KERAS_BACKEND"] = way.backend
    command = [sys.executable, __file__, "--worker", case, "--way", json.dumps(way.__dict__), "--epochs", str(epochs),
               "--seed", str(seed), "--data", args.data, "--data-dir", str(args.data_dir)]
    if args.max_train:
        command += ["--max-train", str(args.max_train)]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{case} ({way.name}) failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_side_by_side(case: str, way: Way, *, epochs: int, args: argparse.Namespace) -> dict:
    """Several runs of ``case`` at once (seeds 0, 1, …); seconds per epoch is per run divided by their number."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(way.side_by_side) as pool:
        rows = list(pool.map(lambda seed: measure(case, way, epochs=epochs, seed=seed, args=args), range(way.side_by_side)))
    seconds = sum(row["seconds"] for row in rows) / len(rows) / way.side_by_side
    return {**rows[0], "seconds": seconds, "tokens_per_s": rows[0]["tokens_per_s"] * rows[0]["seconds"] / seconds,
            "gflops": rows[0]["gflops"] * rows[0]["seconds"] / seconds}


def train_once(case: str, way: Way, *, epochs: int, seed: int, data_choice: str, data_dir: Path,
               max_train: int | None) -> dict:
    """The worker: load the case's data and vectors, train it ``way``, measure."""
    import keras
    import numpy as np

    from experiments import data, models, paths, studies, train, wordvectors
    from experiments.specs import expand
    from experiments.vectorize import PAD, TextVectorizer

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
    bucket = way.suite
    train.seed_everything(seed)
    model = models.build_model(
        spec.model.architecture, vocab_size=vectorizer.vocab_size, embedding_dim=vectors.dim,
        num_classes=len(corpus.class_names), seq_len=None if bucket else spec.vectorize.seq_len,
        embedding_weights=weights, trainable_embedding=spec.vectors.trainable, **spec.model.params,
    )
    train_spec = replace(spec.train, epochs=epochs, patience=None, bucket_by_length=bucket)
    fitting = (x["train"], splits.train.labels), (x["validation"], splits.validation.labels)
    if way.suite:
        work = paths.BUILD_DIR / "bench" / f"{case}-{os.getpid()}"
        shutil.rmtree(work, ignore_errors=True)  # no resume from an earlier benchmark
        epoch_seconds = train.fit(model, *fitting, train_spec, work_dir=work, seed=seed, verbose=0,
                                  **way.compile)["epoch_seconds"]
        shutil.rmtree(work, ignore_errors=True)
    else:
        epoch_seconds = plain_keras_fit(model, *fitting, train_spec)
    proba = train.predict(model, x["test"], bucket=bucket)
    seconds = float(np.mean(epoch_seconds[1:] or epoch_seconds))
    # Work actually done per epoch: every padded position, or only up to each batch's width when bucketed.
    positions = _bucketed_positions(x["train"], train_spec.batch_size) if bucket else x["train"].size
    return {
        "case": f"{case} ({source}, {len(splits.train):,} rows)", "backend": keras.backend.backend(),
        "seconds": seconds, "first_epoch": epoch_seconds[0], "tokens_per_s": int((x["train"] != PAD).sum()) / seconds,
        "accuracy": float((proba.argmax(1) == splits.test.labels).mean()),
        "gflops": 3 * recurrent_flops_per_token(model) * positions / seconds / 1e9,
    }


def plain_keras_fit(model, train_xy, validation, spec) -> list[float]:
    """The documented studies' way: Keras's Adam, every row padded to ``seq_len``, Keras's own batching."""
    import keras

    from experiments import train

    model.compile(optimizer=keras.optimizers.Adam(learning_rate=spec.learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    timer = train.EpochTimer()
    model.fit(*train_xy, batch_size=spec.batch_size, epochs=spec.epochs, validation_data=validation,
              callbacks=[timer], verbose=0)
    return timer.seconds


def recurrent_flops_per_token(model) -> float:
    """Multiply-adds ×2 of the recurrent layers for one token, forward only.

    An LSTM step costs 4 gates × (input + units) × units multiply-adds per direction;
    a SimpleRNN step one gate. Training (forward + backward) is about 3× this.
    """
    flops = 0.0
    for layer in model.layers:
        cell = getattr(layer, "forward_layer", layer)
        directions = 2 if hasattr(layer, "forward_layer") else 1
        gates = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}.get(type(cell).__name__)
        if gates:
            node_input = layer.input[0] if isinstance(layer.input, (list, tuple)) else layer.input  # (sequence, mask)
            flops += directions * 2 * gates * (node_input.shape[-1] + cell.units) * cell.units
    return flops


def _bucketed_positions(x, batch_size: int) -> int:
    from experiments import train

    batches = train.LengthBatches(x, None, batch_size, shuffle=False)
    return sum(batches[i].size for i in range(len(batches)))


def matmul_peak() -> float:
    """What this machine's BLAS reaches on a large float32 matrix product (GFLOP/s): a practical peak."""
    import time

    import numpy as np

    a = np.random.default_rng(0).random((2048, 2048), dtype=np.float32)
    a @ a
    start = time.perf_counter()
    for _ in range(5):
        a @ a
    return 5 * 2 * 2048**3 / (time.perf_counter() - start) / 1e9


def main() -> None:
    from experiments import data, paths

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", default=",".join(CASES), help=f"comma-separated, from {', '.join(CASES)}")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--levers", action="store_true", help="also time each lever tried, one at a time")
    parser.add_argument("--data", default="auto", choices=data.DATA_CHOICES)
    parser.add_argument("--data-dir", type=Path, default=paths.DATA_DIR)
    parser.add_argument("--max-train", type=int, default=None, help="cap on training rows")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--way", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        row = train_once(args.worker, Way(**json.loads(args.way)), epochs=args.epochs, seed=args.seed,
                         data_choice=args.data, data_dir=args.data_dir, max_train=args.max_train)
        print(json.dumps(row))
        return

    ways = [PLAIN, *(LEVERS if args.levers else ()), SUITE]
    print(f"{os.cpu_count()} CPU cores, matmul peak {matmul_peak():.0f} GFLOP/s, {args.epochs} epochs per way, seed 0")
    print(f"{'case':<32} {'way':<22} {'backend':<10} {'s/epoch':>8} {'1st epoch':>9} {'tokens/s':>9} "
          f"{'test acc':>8} {'GFLOP/s':>8} {'speed-up':>8}")
    for case in (c.strip() for c in args.cases.split(",")):
        rows = []
        for way in ways:
            row = (measure_side_by_side(case, way, epochs=args.epochs, args=args) if way.side_by_side > 1
                   else measure(case, way, epochs=args.epochs, seed=0, args=args))
            rows.append(row)
            print(f"{row['case']:<32} {way.name:<22} {row['backend']:<10} {row['seconds']:>8.2f} "
                  f"{row['first_epoch']:>9.1f} {row['tokens_per_s']:>9,.0f} {row['accuracy']:>8.3f} "
                  f"{row['gflops']:>8.1f} {rows[0]['seconds'] / row['seconds']:>7.2f}×", flush=True)
        print(f"{'':<32} accuracy difference (suite − plain Keras): {rows[-1]['accuracy'] - rows[0]['accuracy']:+.3f}")


if __name__ == "__main__":
    main()
