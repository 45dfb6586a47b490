#!/usr/bin/python3
"""Benchmark kernels side by side through jupyter_client: pyswitch against Debian's ipykernel.

    /usr/bin/python3 scripts/bench.py [--runs 3] [--kernels pyswitch,pyswitch-plain,python3] [--json FILE]
                                      [--steps start,execute_latency]

Each run starts every kernel afresh and runs every step of bench_metrics on it, kernels taking turns;
the table shows medians over the runs and each kernel's ratio to the last one, the reference. The
kernels named `pyswitch` (IPython mode where the interpreter has IPython), `pyswitch-plain` (plain
mode) and `pyswitch-debugpy` (plain mode on Debian's /usr/bin/python3, whose debugpy gives it a
debugger: the debugger rows) are installed from this checkout into a temporary prefix; others are
looked up as usual.
"""
import argparse
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_kernel import BenchKernel
from bench_metrics import STEPS
from kernel_install import install_pyswitch, jupyter_path_with, require_kernelspec

LOG_TAIL_LINES = 15
DEBIAN_PYTHON = "/usr/bin/python3"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per kernel (default 3)")
    parser.add_argument("--kernels", default="pyswitch,pyswitch-plain,pyswitch-debugpy,python3",
                        help="comma-separated kernelspec names, the reference last")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--steps", help="comma-separated names of the steps to run (default: all): "
                        + ", ".join(function.__name__ for function, _ in STEPS))
    return parser.parse_args()


def selected_steps(names):
    """The steps named (in run order), or all of them; an unknown name is an error."""
    if not names:
        return STEPS
    wanted = {name.strip() for name in names.split(",") if name.strip()}
    unknown = wanted - {function.__name__ for function, _ in STEPS}
    if unknown:
        sys.exit(f"unknown steps: {', '.join(sorted(unknown))}")
    return [(function, rows) for function, rows in STEPS if function.__name__ in wanted]


def column_labels(names):
    """Kernelspec names, made unique (python3, python3#2) when one is benchmarked twice."""
    labels = []
    for name in names:
        count = sum(1 for earlier in names[: len(labels)] if earlier == name)
        labels.append(f"{name}#{count + 1}" if count else name)
    return labels


def prepare_environment(names, workdir):
    """Private runtime dir; install this checkout's pyswitch when it is benchmarked."""
    os.environ["JUPYTER_RUNTIME_DIR"] = str(workdir / "runtime")
    for name, plain, python in (("pyswitch", False, None), ("pyswitch-plain", True, None),
                                 ("pyswitch-debugpy", True, DEBIAN_PYTHON)):
        if name in names:
            install_pyswitch(workdir / "prefix", name, plain=plain, python=python)
    if {"pyswitch", "pyswitch-plain", "pyswitch-debugpy"} & set(names):
        os.environ["JUPYTER_PATH"] = jupyter_path_with(workdir / "prefix", os.environ.get("JUPYTER_PATH"))
    for name in set(names):
        require_kernelspec(name)


def report_failure(label, run, what, log_path):
    print(f"[{label} run {run + 1}] {what}", file=sys.stderr)
    lines = log_path.read_text(errors="replace").splitlines()[-LOG_TAIL_LINES:]
    print("".join(f"    | {line}\n" for line in lines), end="", file=sys.stderr)


def bench_once(name, label, run, workdir, steps):
    """{row key: value} for one fresh kernel; failed steps leave their rows out."""
    log_path = workdir / f"{label}-run{run + 1}.log"
    # Not the user's own history, and a fresh one per kernel: a pyswitch kernel reads the file at its first
    # cell, and the 16k inputs each run stores would weigh on the next run's first-cell rows.
    os.environ["PYSWITCH_HISTORY_FILE"] = str(workdir / f"{label}-run{run + 1}-history.jsonl")
    values = {}
    with open(log_path, "w") as log:
        try:
            with BenchKernel(name, log) as kernel:
                for function, _ in steps:
                    kernel.client.drain()
                    try:
                        values.update(function(kernel))
                    except Exception as e:  # one failed metric must not cost the others
                        report_failure(label, run, f"{function.__name__}: {type(e).__name__}: {e} → n/a", log_path)
                    if not kernel.alive():
                        report_failure(label, run, f"kernel died during {function.__name__}", log_path)
                        break
        except Exception as e:
            report_failure(label, run, f"kernel did not start: {type(e).__name__}: {e}", log_path)
    return values


def median_or_none(values):
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def run_all(names, labels, runs, workdir, steps):
    """{label: {row key: [value per run]}}, kernels taking turns within each run."""
    rows = [row for _, step_rows in steps for row in step_rows]
    results = {label: {row.key: [] for row in rows} for label in labels}
    for run in range(runs):
        for name, label in zip(names, labels):
            print(f"run {run + 1}/{runs}: {label}", file=sys.stderr)
            values = bench_once(name, label, run, workdir, steps)
            for row in rows:
                results[label][row.key].append(values.get(row.key))
    return results


def fmt(value, unit):
    if value is None:
        return "n/a"
    if unit == "/s":
        return f"{value:.0f}"
    if unit == "ms" and value < 10:
        return f"{value:.2f}"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def summarise(results, labels, rows):
    """Rows of (row, {label: median}, {label: ratio to the last label, the reference})."""
    summary = []
    reference = labels[-1]
    for row in rows:
        medians = {label: median_or_none(results[label][row.key]) for label in labels}
        base = medians[reference]
        ratios = {label: (medians[label] / base if medians[label] is not None and base else None)
                  for label in labels[:-1]}
        summary.append((row, medians, ratios))
    return summary


def machine_line():
    """When and where: ratios between kernels hold up under load better than the absolute figures."""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    uname = os.uname()
    return (f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {uname.nodename} {uname.machine}, "
            f"{os.cpu_count()} cores, Linux {uname.release}; load average {load}")


def print_table(summary, labels, runs):
    compared = labels[:-1]
    header = ["metric"] + labels + [f"{label}/{labels[-1]}" for label in compared]
    lines = [header]
    for row, medians, ratios in summary:
        cells = [f"{row.label} ({row.unit})"] + [fmt(medians[label], row.unit) for label in labels]
        lines.append(cells + [f"{ratios[label]:.2f}" if ratios[label] is not None else "n/a" for label in compared])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    print(machine_line())
    print(f"medians of {runs} run(s); ratios to {labels[-1]}: < 1 is better for ms and MiB, > 1 for /s and MB/s")
    for i, line in enumerate(lines):
        print(" | ".join(cell.ljust(w) if j == 0 else cell.rjust(w) for j, (cell, w) in enumerate(zip(line, widths))))
        if i == 0:
            print("-+-".join("-" * w for w in widths))


def write_json(path, results, summary, names, labels, runs):
    document = {
        "runs": runs,
        "kernels": dict(zip(labels, names)),
        "metrics": [
            {"key": row.key, "label": row.label, "unit": row.unit, "median": medians, "ratio": ratios,
             "runs": {label: results[label][row.key] for label in labels}}
            for row, medians, ratios in summary
        ],
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf8")


def main():
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # unwind, so kernels get killed
    args = parse_args()
    names = [name.strip() for name in args.kernels.split(",") if name.strip()]
    labels = column_labels(names)
    steps = selected_steps(args.steps)
    with tempfile.TemporaryDirectory(prefix="pyswitch-bench-") as tmp:
        workdir = Path(tmp)
        prepare_environment(names, workdir)
        print(machine_line(), file=sys.stderr)
        results = run_all(names, labels, args.runs, workdir, steps)
    summary = summarise(results, labels, [row for _, rows in steps for row in rows])
    print_table(summary, labels, args.runs)
    if args.json:
        write_json(args.json, results, summary, names, labels, args.runs)


if __name__ == "__main__":
    main()
