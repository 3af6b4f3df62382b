"""What bench/open_loop.py reports: the summary of a run, its table, its CSV files and the session's plot."""

from __future__ import annotations

import csv
import dataclasses
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator, ScalarFormatter

# The bar of issue 13 at 80 messages/s: reply p95 <= 1 s and p99 <= 2 s.
BARS_S = {"p95": 1.0, "p99": 2.0}
REPLY_LIMIT_S = 60.0


@dataclass
class Summary:
    """One run's figures; every field is a column of open_loop_summary.csv (latencies in ms, inf = lost)."""

    session: str
    run: str
    system: str  # seva-whatsapp or rasa-init-rest
    rate: float
    seconds: float
    rasa_instances: int
    returning_share: float
    history: int
    citizens: int
    returning_citizens: int
    messages: int
    answered: int
    lost: int
    duplicates: int | None  # None where it is not measured (the REST baseline)
    trackers_unread: int  # citizens whose tracker Rasa did not return: no duplicates counted for them
    p50_ms: float
    p95_ms: float
    p99_ms: float
    new_p50_ms: float
    new_p95_ms: float
    new_p99_ms: float
    returning_p50_ms: float
    returning_p95_ms: float
    returning_p99_ms: float
    ack_p50_ms: float
    ack_p99_ms: float
    webhook_errors: int
    achieved_rate: float
    lag_p50_ms: float
    lag_p99_ms: float
    lag_max_ms: float
    error_lines: int
    errors_action_server: int
    errors_closing_transport: int
    errors_traceback: int
    errors_error_level: int
    mix: str
    template_turns: int = 0
    template_events: int = 0
    template_bytes: int = 0
    history_events: int = 0
    history_bytes: int = 0
    # CPU ms per message from the first message to the last reply, by part ("rasa0=21.3 actions=4.0 ...").
    cpu_ms_per_message: str = ""

    def table(self) -> str:
        """The run as a small text table."""

        def ms(value: float) -> str:
            if math.isinf(value):
                return f">{REPLY_LIMIT_S:.0f} s"
            if math.isnan(value):
                return "–"
            return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"

        def trio(prefix: str) -> str:
            return " / ".join(ms(getattr(self, f"{prefix}p{p}_ms")) for p in (50, 95, 99))

        shape = (
            "rasa init over REST (baseline)"
            if self.system == "rasa-init-rest"
            else f"Seva on WhatsApp, {self.rasa_instances} Rasa instance(s)"
        )
        rows = [
            ("run", f"{self.run}: {shape}"),
            (
                "offered",
                f"{self.rate:g} msg/s for {self.seconds:g} s, {self.citizens} citizens each every 10 s",
            ),
            ("achieved arrival rate", f"{self.achieved_rate:.1f} msg/s"),
            (
                "generator lag p50 / p99 / max",
                f"{ms(self.lag_p50_ms)} / {ms(self.lag_p99_ms)} / {ms(self.lag_max_ms)}",
            ),
            ("reply latency p50 / p95 / p99", trio("")),
        ]
        if self.returning_citizens:
            rows += [
                (f"  new citizens ({self.citizens - self.returning_citizens})", trio("new_")),
                (f"  returning citizens ({self.returning_citizens})", trio("returning_")),
                ("template citizen", f"{self.template_turns} turns, {self.template_events} events, "
                                     f"{self.template_bytes / 1024:.0f} KiB"),
                ("each returning history", f"{self.history_events} events, {self.history_bytes / 1024:.0f} KiB"),
            ]  # fmt: skip
        rows += [
            ("messages / answered", f"{self.messages} / {self.answered}"),
            ("lost (no reply within 60 s)", str(self.lost)),
            ("duplicates", self._duplicates()),
            ("webhook ack p50 / p99", f"{ms(self.ack_p50_ms)} / {ms(self.ack_p99_ms)}"),
            ("webhook errors (not 200)", str(self.webhook_errors)),
            (
                "error-log lines",
                f"{self.error_lines} (action server {self.errors_action_server}, closing transport "
                f"{self.errors_closing_transport}, Traceback {self.errors_traceback}, ERROR {self.errors_error_level})",
            ),
            ("mix", self.mix),
        ]
        if self.cpu_ms_per_message:
            rows.append(("CPU ms per message", self.cpu_ms_per_message))
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)

    def _duplicates(self) -> str:
        if self.duplicates is None:
            return "not measured over REST"
        unread = f" ({self.trackers_unread} trackers could not be read)" if self.trackers_unread else ""
        return f"{self.duplicates}{unread}"


def write_messages(path: Path, rate: float, messages: list) -> None:
    """One row per message: when it was due, what it was, and how long its reply took."""
    first = messages[0].scheduled if messages else 0.0
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["scheduled_s", "rate", "citizen", "kind", "ack_ms", "latency_ms", "answered"])
        for m in messages:
            writer.writerow([
                f"{m.scheduled - first:.3f}",
                f"{rate:g}",
                "returning" if m.citizen.returning else "new",
                m.say.kind,
                "" if m.ack_ms is None else f"{m.ack_ms:.1f}",
                "" if math.isinf(m.latency) else f"{m.latency * 1000:.1f}",
                int(m.answered),
            ])  # fmt: skip


def columns() -> list[str]:
    """The summary CSV's header."""
    return [f.name for f in dataclasses.fields(Summary)]


def append_summary(path: Path, summary: Summary) -> None:
    """Add the run's row to the summary CSV, writing the header into a new file."""
    row = {name: getattr(summary, name) for name in columns()}
    new = not path.exists()
    if not new:
        with path.open(newline="") as old:
            reader = csv.DictReader(old)
            if (
                reader.fieldnames != columns()
            ):  # a column was added since: rewrite the rows under the new header
                rows = list(reader)
                with path.open("w", newline="") as out:
                    writer = csv.DictWriter(out, fieldnames=columns(), restval="")
                    writer.writeheader()
                    writer.writerows({k: r.get(k, "") for k in columns()} for r in rows)
    with path.open("a", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=columns())
        if new:
            writer.writeheader()
        writer.writerow(
            {k: (f"{v:.1f}" if isinstance(v, float) and math.isfinite(v) else v) for k, v in row.items()}
        )


@dataclass
class Line:
    """One line of the plot: a configuration, how it is drawn, and its points (rate, {p50, p95, p99} in s)."""

    label: str
    style: (
        str  # solid: new citizens only or the baseline; dash-dot: new ones among returning; dashed: returning
    )
    points: list[tuple[float, dict[str, float]]]


def configuration_lines(rows: list[dict]) -> list[Line]:
    """The plot's lines (system, instances, kind of citizen), each with its points in order of rate."""
    lines: dict[tuple[str, str], list[tuple[float, dict[str, float]]]] = defaultdict(list)
    for row in rows:
        rate, share = float(row["rate"]), float(row["returning_share"])
        if row["system"] == "rasa-init-rest":
            lines[("rasa init baseline (REST)", "-")].append((rate, _seconds(row, "")))
            continue
        setup = f"Seva, {row['rasa_instances']} Rasa"
        if not share:
            lines[(f"{setup}, new citizens only", "-")].append((rate, _seconds(row, "new_")))
            continue
        mix = f"{share:.0%} returning with {row['history']} events"
        lines[(f"{setup}, new citizens ({mix})", "-.")].append((rate, _seconds(row, "new_")))
        lines[(f"{setup}, returning citizens ({mix})", "--")].append((rate, _seconds(row, "returning_")))
    # By rate only: two runs at one rate (a repeat in the same session) are both drawn.
    return [
        Line(label, style, sorted(points, key=lambda point: point[0]))
        for (label, style), points in lines.items()
    ]


def _seconds(row: dict, prefix: str) -> dict[str, float]:
    # A lost message has no latency: it is drawn at the 60 s limit.
    return {p: min(float(row[f"{prefix}{p}_ms"]) / 1000, REPLY_LIMIT_S) for p in ("p50", "p95", "p99")}


def plot(summaries: Path, session: str, out: Path) -> None:
    """Latency p50 / p95 / p99 against arrival rate, one line per configuration, for the session's runs."""
    with summaries.open(newline="") as f:
        rows = [row for row in csv.DictReader(f) if row["session"] == session]
    lines = configuration_lines(rows)
    figure = Figure(figsize=(15, 6.5), layout="constrained")
    axes = figure.subplots(1, 3, sharey=True)
    for ax, p in zip(axes, ("p50", "p95", "p99"), strict=True):
        for line in lines:
            rates = [rate for rate, _ in line.points]
            ax.plot(rates, [s[p] for _, s in line.points], line.style, marker="o", label=line.label)
        ax.axhline(REPLY_LIMIT_S, color="grey", linestyle=":", linewidth=1)
        if p in BARS_S:
            ax.axhline(BARS_S[p], color="red", linestyle="--", linewidth=1)
        ax.set_yscale("log")
        # Rates double from one row of the README table to the next (10, 20, 40, 80, 160).
        ax.set_xscale("log", base=2)
        ax.set_xticks(sorted({rate for line in lines for rate, _ in line.points}))
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_title(f"reply latency {p}")
        ax.set_xlabel("arrival rate (messages/s, open loop)")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("seconds from the scheduled send (at 60 s: the rank falls on a lost message)")
    figure.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=2, fontsize=9)
    figure.suptitle(f"Seva on WhatsApp, open loop, session {session} (red: issue 13's bar at 80 msg/s)")
    figure.savefig(out, dpi=100)
