#!/usr/bin/env python3
"""Draw an SVG of elements per second against array length from ExMy benchmark JSON lines.

    ./bench scaling --json > scaling.jsonl         # ExMyBenchmark.Configuration.scaling
    python3 Benchmarks/plot_scaling.py scaling.jsonl docs/performance-scaling.svg
    python3 Benchmarks/plot_scaling.py scaling.jsonl tables.md     # the same rows as Markdown tables

One solid line per (case, threads); a dashed line of the same colour for the bandwidth limit
measured alongside it. Pure Python (no plotting library needed). An output path ending in `.md`
gets one Markdown table per case instead (one row per length, one and more threads side by side).
"""
import json
import math
import sys

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]


def size_label(n):
    return f"{n >> 20}M" if n >= 1 << 20 and n % (1 << 20) == 0 else (f"{n >> 10}K" if n >= 1024 and n % 1024 == 0 else str(n))


def markdown(rows):
    """One table per case: ns per element on one thread, then rate, limit and fraction per thread count."""
    out = []
    cases = []
    for r in rows:
        if r["case_name"] not in cases:
            cases.append(r["case_name"])
    for case in cases:
        rs = [r for r in rows if r["case_name"] == case]
        threads = sorted({r["threads"] for r in rs})
        head = "| elements | 1 thread: ns/element |"
        rule = "|---:|---:|"
        for t in threads:
            label = f"{t} thread{'s' if t > 1 else ''}"
            head += f" {label}: Melem/s | limit Melem/s | fraction |"
            rule += "---:|---:|---:|"
        out += [f"**{case}**", "", head, rule]
        for n in sorted({r["elements"] for r in rs}):
            by = {r["threads"]: r for r in rs if r["elements"] == n}
            one = by.get(1)
            line = f"| {size_label(n)} | {1e9 / one['elements_per_second']:.3f} |" if one else f"| {size_label(n)} | – |"
            for t in threads:
                r = by.get(t)
                line += (f" {r['elements_per_second'] / 1e6:.0f} | {r['limit_elements_per_second'] / 1e6:.0f} | {r['fraction_of_limit']:.2f} |"
                         if r else " – | – | – |")
            out.append(line)
        out.append("")
    return "\n".join(out)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
    if sys.argv[2].endswith(".md"):
        with open(sys.argv[2], "w") as f:
            f.write(markdown(rows))
        return
    series = {}
    for r in rows:
        key = f"{r['case_name']}, {r['threads']} thread{'s' if r['threads'] > 1 else ''}"
        series.setdefault(key, []).append(r)
    width, height, left, right, top, bottom = 900, 520, 70, 300, 30, 50
    xs = [r["elements"] for r in rows]
    ys = [r["elements_per_second"] for r in rows] + [r["limit_elements_per_second"] for r in rows]
    x0, x1 = math.log2(min(xs)), math.log2(max(xs))
    y0, y1 = 0.0, max(ys) * 1.05

    def px(n):
        return left + (math.log2(n) - x0) / max(x1 - x0, 1) * (width - left - right)

    def py(v):
        return top + (1 - (v - y0) / (y1 - y0)) * (height - top - bottom)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>']
    # Axes and grid.
    step = 10 ** math.floor(math.log10(y1 / 5))
    for mult in (1, 2, 5):
        if y1 / (step * mult) <= 8:
            step *= mult
            break
    v = 0.0
    while v <= y1:
        out.append(f'<line x1="{left}" y1="{py(v):.1f}" x2="{width - right}" y2="{py(v):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{py(v) + 4:.1f}" text-anchor="end">{v / 1e9:g}</text>')
        v += step
    for e in range(int(x0), int(x1) + 1):
        n = 2 ** e
        label = size_label(n)
        out.append(f'<line x1="{px(n):.1f}" y1="{top}" x2="{px(n):.1f}" y2="{height - bottom}" stroke="#eee"/>')
        if e % 2 == 0 or e == int(x1):
            out.append(f'<text x="{px(n):.1f}" y="{height - bottom + 16}" text-anchor="middle">{label}</text>')
    out.append(f'<text x="{(left + width - right) / 2}" y="{height - 10}" text-anchor="middle">elements (log scale)</text>')
    out.append(f'<text x="16" y="{(top + height - bottom) / 2}" transform="rotate(-90 16 {(top + height - bottom) / 2})" '
               f'text-anchor="middle">10⁹ elements per second</text>')
    for k, (name, rs) in enumerate(sorted(series.items())):
        rs.sort(key=lambda r: r["elements"])
        c = COLORS[k % len(COLORS)]
        pts = " ".join(f"{px(r['elements']):.1f},{py(r['elements_per_second']):.1f}" for r in rs)
        lim = " ".join(f"{px(r['elements']):.1f},{py(r['limit_elements_per_second']):.1f}" for r in rs)
        out.append(f'<polyline points="{pts}" fill="none" stroke="{c}" stroke-width="2"/>')
        out.append(f'<polyline points="{lim}" fill="none" stroke="{c}" stroke-width="1" stroke-dasharray="4 3"/>')
        y = top + 16 * k
        out.append(f'<line x1="{width - right + 10}" y1="{y}" x2="{width - right + 30}" y2="{y}" stroke="{c}" stroke-width="2"/>')
        out.append(f'<text x="{width - right + 35}" y="{y + 4}">{name}</text>')
    y = top + 16 * len(series) + 8
    out.append(f'<line x1="{width - right + 10}" y1="{y}" x2="{width - right + 30}" y2="{y}" stroke="#555" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{width - right + 35}" y="{y + 4}">bandwidth limit (same traffic)</text>')
    out.append("</svg>")
    with open(sys.argv[2], "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
