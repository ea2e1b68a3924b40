"""What the XOR lesson says: verdicts on a run, truth tables, and what a two-layer network does
with each input, all derived from the numbers on screen."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from engine.gates import (
    GATE_NAMES,
    TruthTable,
    TwoLayerNet,
    boolean_name,
    function_name,
    linearly_separable,
)
from engine.perceptron import PerceptronRun
from ui.formatting import MINUS, num, vec
from ui.text import Message
from ui.text.perceptron import repeating_epochs

MINSKY_PARAGRAPH = (
    "**Why no line works.** A perceptron's decision boundary is one straight line: it says 1 on "
    "one side and 0 on the other. Data that some line splits this way is **linearly separable**. "
    "XOR's 1s sit on one diagonal, (0, 1) and (1, 0), and its 0s on the other, (0, 0) and (1, 1): "
    "any line with both 1s on its positive side has a 0 there too, so at best 3 of the 4 rows "
    "come out right. **Minsky & Papert (1969)** used exactly this problem to show the limit of a "
    "single perceptron, and to argue for *networks* of perceptrons: one perceptron can represent "
    "AND, OR and NOT, and compositions of these represent every logic function. But with the "
    "data, computing power and network designs of the time, multi-layer perceptrons could not be "
    "trained successfully, and interest collapsed: the **first AI winter**."
)


# A right row in green, a wrong one in red (the mark itself says it without the colour).
MARKS = {"✓": ":green[**✓**]", "✗": ":red[**✗**]"}


def markdown_table(columns: Mapping[str, Sequence]) -> str:
    """A short table as Markdown, column by column: each column as wide as its content, so
    nothing is cut off ("rig" for "right?") or hidden behind a scroll bar, and it costs the server
    nothing to draw. A "right?" column is coloured."""
    names = list(columns)
    rows = zip(*columns.values(), strict=True)

    def cell(name: str, value: object) -> str:
        text = str(value).replace("|", "\\|")
        return MARKS.get(text, text) if name == "right?" else text

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    header = [n.replace("|", "\\|") for n in names]
    lines = [line(header), "|" + "|".join(":-:" for _ in names) + "|"]
    lines += [line([cell(n, v) for n, v in zip(names, row, strict=True)]) for row in rows]
    return "\n".join(lines)


def point(x: Sequence[float]) -> str:
    """(0, 1)"""
    return "(" + ", ".join(num(v) for v in x) + ")"


def and_list(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def linear_text(w: Sequence[float], names: Sequence[str]) -> str:
    """The score of a unit as a reader writes it: (1, 1, −1.5) on (h₁, h₂) -> 'h₁ + h₂ − 1.5'."""
    parts: list[tuple[str, str]] = []  # (sign, magnitude and name)
    for coefficient, name in zip(w[:-1], names, strict=True):
        if coefficient == 0:
            continue
        size = num(abs(coefficient))
        parts.append(("-" if coefficient < 0 else "+", name if size == "1" else f"{size}{name}"))
    if w[-1] != 0 or not parts:
        parts.append(("-" if w[-1] < 0 else "+", num(abs(w[-1]))))
    first_sign, first = parts[0]
    text = (MINUS if first_sign == "-" else "") + first
    for sign, term in parts[1:]:
        text += f" {MINUS if sign == '-' else '+'} {term}"
    return text


# -- 1. watch it fail ------------------------------------------------------------------------------


def prediction_feedback(prediction: str | None, converged: bool) -> Message | None:
    if prediction is None:
        return None
    said_yes = prediction == "yes"
    if said_yes == converged:
        return Message("success", "**Your prediction was right.**")
    if said_yes:
        return Message(
            "warning",
            "**Not what you predicted.** Look at the points: is there a line with every class-1 "
            "point on one side and every class-0 point on the other?",
        )
    return Message(
        "warning",
        "**Not what you predicted.** This gate's classes *can* be split by a line, and then "
        "the perceptron always finds one after finitely many mistakes.",
    )


def fail_verdict(run: PerceptronRun) -> Message:
    mistakes = ", ".join(map(str, run.mistakes_per_epoch()))
    if run.converged:
        return Message(
            "success",
            f"**Converged.** Epoch {run.epochs} made no mistakes, so the method stops with "
            f"$\\vec w$ = {vec(run.w)}. Mistakes per epoch: {mistakes}.",
        )
    if run.cycled and run.cycle_start is not None:
        w_repeat = run.epoch_start_weights()[run.epochs]
        return Message(
            "error",
            f"**It can never converge.** The weights at the start of epoch {run.epochs + 1}, "
            f"{vec(w_repeat)}, are exactly those at the start of epoch {run.cycle_start}. Each "
            "epoch only depends on the weights it starts from, so from here it runs "
            f"{repeating_epochs(run.cycle_start, run.epochs)} and the mistakes never reach 0 "
            f"({mistakes}, …): the method will loop forever.",
        )
    # Not reachable on integer gate data; said plainly if it ever is.
    return Message("warning", f"Stopped after {run.max_epochs} epochs without converging.")


def epoch_rows(run: PerceptronRun) -> dict[str, list[str]]:
    """One row per epoch, column by column: the weights it started from and its mistakes; the
    epoch where the loop starts is marked, and the repeat after the last one."""
    starts = run.epoch_start_weights()
    mistakes = run.mistakes_per_epoch()
    epochs = range(1, run.epochs + 1)
    columns = {
        "epoch": [str(e) for e in epochs],
        "w⃗ at its start": [vec(starts[e - 1]) for e in epochs],
        "mistakes": [str(mistakes[e - 1]) for e in epochs],
        "": ["↺ loop" if run.cycled and e == run.cycle_start else "" for e in epochs],
    }
    if run.cycled:
        for name, value in zip(
            columns,
            (str(run.epochs + 1), vec(starts[run.epochs]), "…", f"= epoch {run.cycle_start}"),
            strict=True,
        ):
            columns[name].append(value)
    return columns


def cycle_caption(n_lines: int, cycle_start: int) -> str:
    return (
        f"The {n_lines} boundaries of the loop, in the order the perceptron visits them in every "
        f"repeated epoch (1 is the weights at the start of epoch {cycle_start}). Each one gets "
        "some point wrong, and fixing that point breaks another."
    )


# -- 2. gate designer ------------------------------------------------------------------------------


def learned_note(gate: str, run: PerceptronRun) -> Message:
    name = GATE_NAMES[gate]
    if run.converged:
        mistakes = ", ".join(map(str, run.mistakes_per_epoch()))
        return Message(
            "success",
            f"The perceptron learned {name} from zero weights in {run.epochs} epochs "
            f"(mistakes per epoch: {mistakes}): $\\vec w$ = {vec(run.w)}. The sliders show it.",
        )
    return Message(
        "error",
        f"The perceptron cannot learn {name}: the weights at the start of epoch "
        f"{run.epochs + 1} repeat those of epoch {run.cycle_start}, so it loops forever. The "
        f"sliders show where it was, {vec(run.w)}.",
    )


def truth_rows(gate: str, table: TruthTable) -> dict[str, list]:
    """The designer's truth table, column by column: inputs, score, σ, the gate, right?"""
    cols: dict[str, list] = {"x₁": table.inputs[:, 0].astype(int).tolist()}
    if table.inputs.shape[1] == 2:
        cols["x₂"] = table.inputs[:, 1].astype(int).tolist()
        score_name = "w₁x₁+w₂x₂+b"
    else:
        score_name = "w₁x₁+b"
    cols[score_name] = [num(s) for s in table.scores]
    cols["σ"] = table.outputs.tolist()
    cols[GATE_NAMES[gate]] = table.targets.tolist()
    cols["right?"] = ["✓" if ok else "✗" for ok in table.correct]
    return cols


def designer_verdict(gate: str, table: TruthTable, w: Sequence[float]) -> Message:
    n, k = len(table.targets), table.n_correct
    if table.all_correct:
        return Message(
            "success",
            f"All {n} rows right: with $\\vec w$ = {vec(w)} this perceptron is a "
            f"{GATE_NAMES[gate]} gate.",
        )
    if gate == "xor":
        return Message("warning", f"{k} of {n} rows right. Try as long as you like: 3 is the most.")
    return Message(
        "info",
        f"{k} of {n} rows right. Move the line so that the class-1 rows (diamonds) are on its "
        "shaded orange side and the rest are not.",
    )


def separable_caption(separable: bool) -> str:
    if separable:
        return (
            "Linearly separable: **yes** (checked exactly: some line puts every 1 on one side, "
            "every 0 on the other)."
        )
    return "Linearly separable: **no** — no line puts both 1s on one side and both 0s on the other."


# -- 3. build XOR from gates -----------------------------------------------------------------------


def compose_rows(net: TwoLayerNet, X: np.ndarray, y: np.ndarray) -> dict[str, list]:
    H, _, out = net.forward(X)
    return {
        "x₁": X[:, 0].astype(int).tolist(),
        "x₂": X[:, 1].astype(int).tolist(),
        "h₁": H[:, 0].tolist(),
        "h₂": H[:, 1].tolist(),
        "y": out.tolist(),
        "XOR": y.tolist(),
        "right?": ["✓" if o == t else "✗" for o, t in zip(out, y, strict=True)],
    }


def _landing_groups(X: np.ndarray, H: np.ndarray) -> dict[tuple[int, ...], list[int]]:
    """Hidden point -> the rows of X that land on it, in the order of the rows."""
    groups: dict[tuple[int, ...], list[int]] = {}
    for i, h in enumerate(H):
        groups.setdefault(tuple(int(v) for v in h), []).append(i)
    return groups


def compose_verdict(net: TwoLayerNet, X: np.ndarray, y: np.ndarray) -> Message:
    """Whether the network on screen computes XOR and why, from its own numbers: where each
    input lands in the hidden space, which inputs share a point there, and which side of the
    output unit's line each class is on."""
    H, _, out = net.forward(X)
    rows = [point(x) for x in X]
    groups = _landing_groups(X, H)
    if np.array_equal(out, y):
        landing = ", ".join(f"{rows[i]} → {point(H[i])}" for i in range(len(X)))
        shared = [
            f"{and_list([rows[i] for i in members])} both land on {point(h)}"
            for h, members in groups.items()
            if len(members) > 1
        ]
        ones = sorted({tuple(int(v) for v in H[i]) for i in np.flatnonzero(y == 1)})
        zeros = sorted({tuple(int(v) for v in H[i]) for i in np.flatnonzero(y == 0)})
        line = linear_text(net.output, ("h₁", "h₂"))
        text = (
            "**This network computes XOR.** h₁ and h₂ each draw one line in the input plane. "
            f"In the hidden space (h₁, h₂) the inputs land at {landing}"
            + (f"; {and_list(shared)}" if shared else "")
            + ". There one more line, the output unit's "
            f"{line} = 0, has XOR's 1s (at {and_list([point(h) for h in ones])}) on its "
            f"1 side and its 0s (at {and_list([point(h) for h in zeros])}) on the other: "
            "classes that no line separates in the input plane are separated by one line in "
            "the hidden space."
        )
        return Message("success", text)
    computes = boolean_name(out)
    wrong = ", ".join(rows[i] for i in np.flatnonzero(out != y))
    merged = [
        (members, h) for h, members in groups.items() if len({int(y[i]) for i in members}) == 2
    ]
    if merged:
        said = []
        for members, h in merged:
            zeros = [rows[i] for i in members if y[i] == 0]
            ones = [rows[i] for i in members if y[i] == 1]
            said.append(
                f"{and_list(zeros)} ({'a 0' if len(zeros) == 1 else '0s'} of XOR) and "
                f"{and_list(ones)} ({'a 1' if len(ones) == 1 else '1s'}) land on the same "
                f"point {point(h)}"
            )
        why = (
            f"In the hidden space {and_list(said)}: no output unit can tell them apart. "
            "Change the hidden units."
        )
    elif not linearly_separable(H.astype(float), y):
        why = (
            "In the hidden space XOR's 1s and 0s still sit where no line separates them, as in "
            "the input plane: no output unit can fix that. Change the hidden units."
        )
    else:
        why = (
            "The hidden points are still separable, so the output unit alone could fix it: "
            "change its line."
        )
    return Message(
        "error", f"**Not XOR:** the network now computes {computes}, wrong on {wrong}. {why}"
    )


def unit_short_name(w: Sequence[float], inputs: tuple[str, str]) -> str:
    """What one unit computes on bits, short enough for a node of the diagram: 'OR', 'x₁'."""
    name = function_name(w, inputs)
    parts = name.split()
    if len(parts) == 3 and parts[1] in {"AND", "OR", "NAND", "NOR"}:
        return parts[1]
    return name
