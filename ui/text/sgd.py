"""What the gradient-descent lesson says about its runs."""

from __future__ import annotations

import math
from collections.abc import Mapping

from engine.sgd import (
    DIVERGE_FACTOR,
    METHOD_NAMES,
    METHODS,
    W_LIMIT,
    Trajectory,
    iterations_per_epoch,
)
from ui.formatting import num
from ui.text import Message


def plural(count: float, word: str) -> str:
    return f"{word}{'' if count == 1 else 's'}"


def epochs_vs_iterations(n: int, b: int, epochs: int) -> str:
    per = iterations_per_epoch(n, b)
    sizes = [b] * (n // b) + ([n % b] if n % b else [])
    shown = ", ".join(str(s) for s in sizes[:8]) + (", …" if len(sizes) > 8 else "")
    return (
        f"An **epoch** is one pass over all n = {n} points; an **iteration** is one update. "
        f"With batches of b = {b}, one epoch is cut into batches of {shown} points: "
        f"**⌈n / b⌉ = ⌈{n}/{b}⌉ = {per} iterations per epoch**. In {epochs} "
        f"{plural(epochs, 'epoch')} every method sees each point {epochs} "
        f"{plural(epochs, 'time')}, but makes a very different number of updates (table below)."
    )


def iterations_rows(runs: Mapping[str, Trajectory]) -> list[dict]:
    rows = []
    for key in METHODS:
        t = runs[key]
        if t.diverged:
            verdict = f"diverged at iteration {t.diverged_at} (epoch {t.epochs[-1]:.2f})"
        else:
            verdict = f"L = {t.losses[-1]:.4f}"
        rows.append(
            {
                "method": METHOD_NAMES[key],
                "batch size |B|": t.batch_size,
                "iterations per epoch": t.iterations_per_epoch,
                "iterations in total": t.planned_iterations,
                "loss at the end": verdict,
            }
        )
    return rows


def stop_line(start_loss: float) -> float:
    """The page's divergence rule: a run stops when its loss passes this line."""
    return DIVERGE_FACTOR * max(start_loss, math.log(2))


WHY_DIVERGED = (
    "**Why.** Every update moves w by α times the average gradient of its batch. With a large α "
    "the step crosses the valley and lands higher up on the other side. For this model "
    "(logistic regression) the gradient can never be longer than the average length of the "
    "points x, so the steps do not grow without bound as they would in a quadratic bowl: "
    "full-batch GD at a huge α keeps bouncing at a bounded distance. But once a step lands far "
    "out, the sigmoid saturates and the loss grows about linearly with |w|, so a few long steps "
    "in a bad direction undo everything learned. A batch of one point has a noisier, often "
    "larger gradient than the average over all points, which is why the small batches go "
    "first. **Diverged** is this page's stop rule, not a law of nature: a run is stopped when "
    "its loss passes the stop line (the dashed line on the loss curve) or a weight leaves the "
    f"box |w| ≤ {W_LIMIT:g}. **Make α smaller.**"
)


def divergence_messages(
    runs: Mapping[str, Trajectory], lr: float, critical: float, start_loss: float
) -> list[Message]:
    """What happened to runs that diverged or bounced, and what to do about it."""
    messages = []
    diverged = [t for t in runs.values() if t.diverged]
    limit = stop_line(start_loss)
    for t in diverged:
        if t.losses[-1] > limit:
            base = "the starting loss" if start_loss >= math.log(2) else "log 2"
            why = (
                f"the loss reached {t.losses[-1]:.3g}, above the stop line L = {limit:.3g} "
                f"({DIVERGE_FACTOR:g} × {base})"
            )
        else:
            why = f"a weight left the box |w| ≤ {W_LIMIT:g}"
        messages.append(
            Message(
                "error",
                f"**{METHOD_NAMES[t.method]} diverged** at iteration {t.diverged_at} "
                f"(epoch {t.epochs[-1]:.2f}): {why}, so the run was stopped there (✕ on the "
                "chart).",
                ":material/trending_up:",
            )
        )
    if diverged:
        messages.append(Message("markdown", WHY_DIVERGED))
    gd = runs["gd"]
    if lr > critical and not gd.diverged:
        messages.append(
            Message(
                "warning",
                f"α = {num(lr)} is above 2 / λ_max ≈ {critical:.3g} (λ_max: the largest "
                "curvature of the loss at the minimum). Near the minimum each full-batch step "
                "overshoots the steep direction by more than it started from, so gradient "
                "descent bounces across the valley instead of settling: its loss went up "
                f"{gd.loss_rises} {plural(gd.loss_rises, 'time')}.",
                ":material/swap_vert:",
            )
        )
    if not diverged and lr <= critical:
        messages.append(
            Message(
                "caption",
                f"For full-batch GD on this data, any α below 2 / λ_max ≈ {critical:.3g} "
                "settles at the minimum (λ_max: the largest curvature of L at w*). Try the "
                "presets above.",
            )
        )
    return messages


def updates_caption(shown: Mapping[str, Trajectory], upto: float) -> str:
    done = ", ".join(f"{METHOD_NAMES[key]} {shown[key].iterations}" for key in METHODS)
    return f"After {num(upto, digits=2)} {plural(upto, 'epoch')}, updates made: {done}."


def batches_caption(sampling: str, n_batches: int, used: list[int]) -> str:
    if sampling == "partition":
        return f"Every point is in exactly one of the {n_batches} batches."
    never = sum(u == 0 for u in used)
    often = sum(u > 1 for u in used)
    return (
        f"Fresh random batches: in this epoch {never} points were never used and {often} were "
        "used more than once."
    )
