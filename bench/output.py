"""What the benchmark scripts print: progress lines and tables of figures."""

import sys


def say(text=""):
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


def table(rows, headers):
    """A plain-text table; every cell is already a string."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    say(line.format(*headers))
    say("  ".join("-" * w for w in widths))
    for row in rows:
        say(line.format(*[str(c) for c in row]))
