"""Lesson: convolution arithmetic. Stride, padding and dilation, the output-shape formula,
the sliding window step by step, multiple input channels and filters, pooling."""

from __future__ import annotations

from dataclasses import astuple, dataclass

import numpy as np
import streamlit as st

from engine.conv import conv2d, coverage, output_size, pad2d, pool2d, window_taps
from ui import quizzes
from ui.figures.conv import (
    CHANNEL_NAMES,
    channels_figure,
    output_channels_figure,
    sliding_window_figure,
)
from ui.formatting import latex, num, paren_if_negative
from ui.frame import lesson_header, quiz
from ui.grids import grid_frame, grid_values

K = "conv_"  # session-state prefix (and URL parameter prefix) for this lesson
PLAY_INTERVAL = 0.9  # seconds per window position while playing: slow enough to read the sum
VALUE_RANGE = (-99, 99)  # what the value editors accept


# ----------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """One axis pair of the lecture's quantities; padding is per side plus an uneven extra."""

    nh: int
    nw: int
    kh: int
    kw: int
    ph: int  # per side
    pw: int
    sh: int
    sw: int
    dh: int = 1
    dw: int = 1
    extra_h: int = 0  # one more row at the bottom (uneven padding)
    extra_w: int = 0

    @property
    def padding(self) -> tuple[tuple[int, int], tuple[int, int]]:
        return (self.ph, self.ph + self.extra_h), (self.pw, self.pw + self.extra_w)

    @property
    def p_total(self) -> tuple[int, int]:
        return 2 * self.ph + self.extra_h, 2 * self.pw + self.extra_w


def base_input(h: int, w: int, mode: str, seed: int) -> np.ndarray:
    """Counting 0, 1, 2, … row by row (d2l's example for 3 × 3), or random small integers."""
    if mode == "random":
        return np.random.default_rng(seed).integers(0, 10, size=(h, w)).astype(float)
    return (np.arange(h * w) % 10).reshape(h, w).astype(float)


def base_kernel(h: int, w: int, mode: str, seed: int) -> np.ndarray:
    """0, 1, 2, 3, … (d2l's [[0, 1], [2, 3]] for 2 × 2), or random integers −2…2."""
    if mode == "random":
        return np.random.default_rng(seed + 10_000).integers(-2, 3, size=(h, w)).astype(float)
    return (np.arange(h * w) % 4).reshape(h, w).astype(float)


def edited_grid(values: np.ndarray, key: str, label: str) -> tuple[np.ndarray, list[str]]:
    """A small integer grid the learner can edit; unreadable cells are reported, not raised."""
    st.markdown(f"**{label}**")
    frame = grid_frame(values)
    number = st.column_config.NumberColumn
    frame = st.data_editor(
        frame,
        key=key,
        width="content",
        column_config={
            c: number(c, min_value=VALUE_RANGE[0], max_value=VALUE_RANGE[1], step=1, format="%d")
            for c in frame.columns
        },
    )
    grid, empty, clipped = grid_values(frame, low=VALUE_RANGE[0], high=VALUE_RANGE[1])
    notes = []
    if empty:
        where = ", ".join(f"({r}, {c})" for r, c in empty)
        notes.append(f"{label}: cell(s) {where} are empty and count as 0 until you type a number.")
    if clipped:
        where = ", ".join(f"({r}, {c})" for r, c in clipped)
        notes.append(
            f"{label}: cell(s) {where} are outside {VALUE_RANGE[0]}…{VALUE_RANGE[1]} and were "
            "clipped to that range."
        )
    return grid, notes


# ----------------------------------------------------------------------------- state


def _init_state() -> None:
    state = st.session_state
    state.setdefault(f"{K}cursor", 0)
    state.setdefault(f"{K}playing", False)
    state.setdefault(f"{K}signature", None)
    state.setdefault(f"{K}seed", 0)
    state.setdefault(f"{K}checked", None)  # settings the learner's prediction was checked for
    state.setdefault(f"{K}channel_seed", 0)


def _move(delta: int | None, total: int) -> None:
    """Step the window; None jumps to the last position (everything computed)."""
    cursor = st.session_state[f"{K}cursor"]
    cursor = total - 1 if delta is None else cursor + delta
    st.session_state[f"{K}cursor"] = max(0, min(total - 1, cursor))


def _toggle_play() -> None:
    st.session_state[f"{K}playing"] = not st.session_state[f"{K}playing"]


def _new_values() -> None:
    st.session_state[f"{K}seed"] += 1


def _check_prediction(signature: tuple) -> None:
    st.session_state[f"{K}checked"] = signature


def _new_problem() -> None:
    """Random sizes for a fresh prediction; the kernel always fits the padded input."""
    rng = np.random.default_rng()
    state = st.session_state
    for axis in ("h", "w"):
        n = int(rng.integers(3, 11))
        k = int(rng.integers(1, min(n, 6) + 1))
        state[f"{K}n{axis}"] = n
        state[f"{K}k{axis}"] = k
        state[f"{K}p{axis}"] = int(rng.integers(0, 3))
        state[f"{K}s{axis}"] = int(rng.integers(1, 4))
        state[f"{K}d{axis}"] = 1
        state[f"{K}extra_{axis}"] = 0
    state[f"{K}checked"] = None


# ----------------------------------------------------------------------------- controls


def shape_controls() -> Settings:
    a, b = st.columns(2)
    nh = a.slider("Input height $n_h$", 1, 10, 3, key=f"{K}nh", bind="query-params")
    nw = b.slider("Input width $n_w$", 1, 10, 3, key=f"{K}nw", bind="query-params")
    kh = a.slider("Kernel height $k_h$", 1, 6, 2, key=f"{K}kh", bind="query-params")
    kw = b.slider("Kernel width $k_w$", 1, 6, 2, key=f"{K}kw", bind="query-params")
    ph = a.slider(
        "Padding rows, each side",
        0,
        4,
        0,
        key=f"{K}ph",
        bind="query-params",
        help="Rows of zeros added above and below: the lecture's $p_h$ is the total, twice this.",
    )
    pw = b.slider(
        "Padding columns, each side",
        0,
        4,
        0,
        key=f"{K}pw",
        bind="query-params",
        help="Columns of zeros added left and right: $p_w$ is twice this.",
    )
    sh = a.slider("Stride $s_h$ (rows)", 1, 5, 1, key=f"{K}sh", bind="query-params")
    sw = b.slider("Stride $s_w$ (columns)", 1, 5, 1, key=f"{K}sw", bind="query-params")
    with st.expander("Dilation and uneven padding"):
        st.caption(
            "Dilation spreads the kernel's taps apart (d − 1 cells between them); an extra row "
            "or column of padding at the bottom / right makes the padding uneven."
        )
        c, d = st.columns(2)
        dh = c.slider("Dilation $d_h$", 1, 3, 1, key=f"{K}dh", bind="query-params")
        dw = d.slider("Dilation $d_w$", 1, 3, 1, key=f"{K}dw", bind="query-params")
        eh = c.slider("Extra row at the bottom", 0, 2, 0, key=f"{K}extra_h", bind="query-params")
        ew = d.slider("Extra column, right", 0, 2, 0, key=f"{K}extra_w", bind="query-params")
    return Settings(nh, nw, kh, kw, ph, pw, sh, sw, dh, dw, eh, ew)


def values_controls(s: Settings) -> tuple[np.ndarray, np.ndarray, list[str]]:
    mode = st.radio(
        "Values",
        ("counting", "random"),
        format_func={"counting": "0, 1, 2, … (d2l's example)", "random": "random"}.get,
        horizontal=True,
        key=f"{K}values",
    )
    if mode == "random":
        st.button("New random values", on_click=_new_values, key=f"{K}new_values")
    seed = st.session_state[f"{K}seed"]
    x0 = base_input(s.nh, s.nw, mode, seed)
    k0 = base_kernel(s.kh, s.kw, mode, seed)
    with st.expander("Edit the input and kernel values"):
        st.caption("Click a cell and type a whole number. A new size starts from fresh values.")
        tag = f"{s.nh}x{s.nw}_{s.kh}x{s.kw}_{mode}_{seed}"
        x, notes_x = edited_grid(x0, f"{K}x_edit_{tag}", "Input X")
        k, notes_k = edited_grid(k0, f"{K}k_edit_{tag}", "Kernel K")
    return x, k, notes_x + notes_k


# ----------------------------------------------------------------------------- the formula


def shape_latex(axis: str, n: int, k: int, p: int, per_side: str, s: int, d: int) -> str:
    """⌊(n − k + p + s)/s⌋ with the numbers substituted, one step per line."""
    sub = axis
    kk = d * (k - 1) + 1
    lines = []
    k_sym = f"k_{sub}"
    if d > 1:
        lines.append(
            rf"k'_{sub} &= d_{sub}(k_{sub} - 1) + 1 = {d}({k} - 1) + 1 = {kk}"
            r" \quad\text{(the dilated kernel's span)}"
        )
        k_sym = f"k'_{sub}"
    top = n - kk + p + s
    out = top // s
    lines.append(
        rf"\left\lfloor \frac{{n_{sub} - {k_sym} + p_{sub} + s_{sub}}}{{s_{sub}}} \right\rfloor"
        rf" &= \left\lfloor \frac{{{n} - {kk} + {p} + {s}}}{{{s}}} \right\rfloor"
        rf" = \left\lfloor \frac{{{top}}}{{{s}}} \right\rfloor = \mathbf{{{out}}}"
        rf"\qquad (p_{sub} = {per_side})"
    )
    return r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"


def per_side_text(before: int, after: int) -> str:
    if before == after:
        return f"2 \\times {before} = {before + after}" if before else "0"
    return f"{before} + {after} = {before + after}"


def floor_explanation(axis_name: str, n: int, k: int, p: int, s: int, covered: np.ndarray):
    """Say why some rows / columns are never read, or nothing if every one is."""
    missing = np.flatnonzero(~covered)
    if missing.size == 0:
        return None
    unit = "row" if axis_name == "height" else "column"
    remainder = (n - k + p) % s
    parts = []
    if remainder:
        parts.append(
            f"Along the {axis_name}, (n − k + p)/s = {n - k + p}/{s} is not a whole number: "
            f"after {(n - k + p) // s} steps of {s} the window has {remainder} {unit}(s) left, "
            "too few for another step, so the floor drops the partial window."
        )
    if s > k:
        parts.append(
            f"The stride {s} is larger than the window ({k}), so {unit}s between windows are "
            "skipped too."
        )
    listed = ", ".join(str(i + 1) for i in missing)
    parts.append(f"Never read ({unit}s of the padded input, from 1): {listed}, in yellow.")
    return " ".join(parts)


def inner_product_latex(window: np.ndarray, kernel: np.ndarray, value: float, i: int, j: int):
    """y_{i,j} = x·k summed row by row, with every product written out."""
    lines = []
    for r in range(kernel.shape[0]):
        terms = " + ".join(
            f"{paren_if_negative(a)} \\times {paren_if_negative(b)}"
            for a, b in zip(window[r], kernel[r], strict=True)
        )
        lines.append(("&= " if r == 0 else "&\\quad + ") + terms)
    lines.append(f"&= {num(value)}")
    return latex(rf"\begin{{aligned}} y_{{{i},{j}}} " + r" \\ ".join(lines) + r"\end{aligned}")


# ----------------------------------------------------------------------------- views


def window_positions(s: Settings) -> range:
    ho = output_size(s.nh, s.kh, stride=s.sh, padding=s.padding[0], dilation=s.dh)
    wo = output_size(s.nw, s.kw, stride=s.sw, padding=s.padding[1], dilation=s.dw)
    return range(ho * wo)


def stepping_buttons(total: int, cursor: int, playing: bool) -> None:
    cols = st.columns(5)
    at_end = cursor >= total - 1
    cols[0].button(
        "Back",
        on_click=_move,
        args=(-1, total),
        disabled=cursor == 0 or playing,
        icon=":material/chevron_left:",
        width="stretch",
        key=f"{K}back",
    )
    cols[1].button(
        "Step",
        on_click=_move,
        args=(1, total),
        disabled=at_end or playing,
        type="primary",
        icon=":material/chevron_right:",
        width="stretch",
        help="Slide the window to the next output position",
        key=f"{K}step",
    )
    cols[2].button(
        "Pause" if playing else "Play",
        on_click=_toggle_play,
        disabled=at_end and not playing,
        icon=":material/pause:" if playing else ":material/play_arrow:",
        width="stretch",
        help=f"Slide automatically, one position every {PLAY_INTERVAL:g} s",
        key=f"{K}play",
    )
    cols[3].button(
        "All positions",
        on_click=_move,
        args=(None, total),
        disabled=at_end or playing,
        width="stretch",
        help="Compute every output entry",
        key=f"{K}end",
    )
    cols[4].button(
        "Reset",
        on_click=_move,
        args=(-total, total),
        disabled=cursor == 0 or playing,
        width="stretch",
        key=f"{K}reset",
    )


def window_view(s: Settings, x: np.ndarray, k: np.ndarray, timer_on: bool) -> None:
    """Grid and the current inner product. A fragment that re-runs on a timer while playing.

    The buttons live outside it, so that Play and Pause rebuild the whole page and switch the
    timer on or off.
    """
    state = st.session_state
    if timer_on != state[f"{K}playing"]:
        st.rerun()
    ho = output_size(s.nh, s.kh, stride=s.sh, padding=s.padding[0], dilation=s.dh)
    wo = output_size(s.nw, s.kw, stride=s.sw, padding=s.padding[1], dilation=s.dw)
    total = ho * wo
    cursor = min(state[f"{K}cursor"], total - 1)
    if state[f"{K}playing"]:
        if cursor >= total - 1:
            state[f"{K}playing"] = False
            st.rerun()
        cursor = state[f"{K}cursor"] = cursor + 1

    out = conv2d(
        x[None], k[None, None], stride=(s.sh, s.sw), padding=s.padding, dilation=(s.dh, s.dw)
    )[0]
    x_pad = pad2d(x, s.padding)
    inside = pad2d(np.ones_like(x), s.padding) > 0
    i, j = divmod(cursor, wo)
    taps = window_taps(i, j, k.shape, stride=(s.sh, s.sw), dilation=(s.dh, s.dw))
    shown = (np.arange(total) <= cursor).reshape(ho, wo)
    cov_r = coverage(s.nh, s.kh, stride=s.sh, padding=s.padding[0], dilation=s.dh)
    cov_c = coverage(s.nw, s.kw, stride=s.sw, padding=s.padding[1], dilation=s.dw)
    fig = sliding_window_figure(
        x_pad,
        inside,
        covered_rows=cov_r,
        covered_cols=cov_c,
        taps=taps,
        out=out,
        out_shown=shown,
        current=(i, j),
        kernel=k,
        titles=(
            f"padded input {x_pad.shape[0]} × {x_pad.shape[1]}",
            f"kernel {k.shape[0]} × {k.shape[1]}",
            f"output {ho} × {wo}",
        ),
    )
    st.plotly_chart(fig, width="stretch", key=f"{K}window_chart")
    st.markdown(
        f"##### Output entry (row {i + 1}, column {j + 1}) · position {cursor + 1} of {total}"
    )
    window = x_pad[np.ix_(*taps)]
    st.latex(inner_product_latex(window, k, out[i, j], i + 1, j + 1))
    st.caption(
        "The window (pink) starts at padded row "
        f"{i * s.sh + 1} = 1 + {i}·{s.sh}, column {j * s.sw + 1} = 1 + {j}·{s.sw}: "
        "each step moves it by the stride. Grey cells are padding zeros."
    )


def shape_view(s: Settings) -> bool:
    """The formula with numbers, or the error if no window fits. False when nothing fits."""
    try:
        ho = output_size(s.nh, s.kh, stride=s.sh, padding=s.padding[0], dilation=s.dh)
        wo = output_size(s.nw, s.kw, stride=s.sw, padding=s.padding[1], dilation=s.dw)
    except ValueError as err:
        st.error(str(err).replace("The kernel", "The kernel", 1))
        st.info("Make the kernel smaller, add padding, or make the input larger.")
        return False
    (top, bottom), (left, right) = s.padding
    st.latex(shape_latex("h", s.nh, s.kh, s.p_total[0], per_side_text(top, bottom), s.sh, s.dh))
    st.latex(shape_latex("w", s.nw, s.kw, s.p_total[1], per_side_text(left, right), s.sw, s.dw))
    st.markdown(f"Output shape: **{ho} × {wo}**")
    notes = []
    for axis_name, n, k, p, st_, d, pad in (
        ("height", s.nh, s.kh, s.p_total[0], s.sh, s.dh, s.padding[0]),
        ("width", s.nw, s.kw, s.p_total[1], s.sw, s.dw, s.padding[1]),
    ):
        cov = coverage(n, k, stride=st_, padding=pad, dilation=d)
        note = floor_explanation(axis_name, n, d * (k - 1) + 1, p, st_, cov)
        if note:
            notes.append(note)
    for note in notes:
        st.warning(note, icon=":material/crop:")
    return True


def prediction_gate(s: Settings) -> bool:
    """Predict-then-run: True when the shape may be shown."""
    signature = astuple(s)  # plain values: the Settings class is redefined on every rerun
    if st.session_state[f"{K}checked"] == signature:
        return True
    st.markdown("**Your prediction: what is the output shape?**")
    a, b, c = st.columns([1, 1, 1.3], vertical_alignment="bottom")
    a.number_input("Output height", 0, 99, None, step=1, key=f"{K}guess_h")
    b.number_input("Output width", 0, 99, None, step=1, key=f"{K}guess_w")
    c.button(
        "Check my prediction",
        on_click=_check_prediction,
        args=(signature,),
        type="primary",
        key=f"{K}check",
    )
    st.caption("The output panel and the formula appear once you have checked.")
    return False


def prediction_feedback(s: Settings) -> None:
    try:
        ho = output_size(s.nh, s.kh, stride=s.sh, padding=s.padding[0], dilation=s.dh)
        wo = output_size(s.nw, s.kw, stride=s.sw, padding=s.padding[1], dilation=s.dw)
    except ValueError:
        st.info("No window fits here, so there is no output shape: see the message below.")
        return
    gh, gw = st.session_state.get(f"{K}guess_h"), st.session_state.get(f"{K}guess_w")
    if gh is None or gw is None:
        st.info(f"You did not type a full prediction. The output is {ho} × {wo}.")
    elif (gh, gw) == (ho, wo):
        st.success(f"Right: {ho} × {wo}.")
    else:
        st.error(f"You predicted {gh} × {gw}; the output is {ho} × {wo}. The formula shows why.")


def stride_padding_tab() -> None:
    controls, main = st.columns([1, 2.3], gap="large")
    with controls:
        predict = st.toggle(
            "Predict first",
            key=f"{K}predict",
            help="Hide the output shape until you have typed your prediction.",
        )
        if predict:
            st.button("New problem", on_click=_new_problem, key=f"{K}new_problem")
        s = shape_controls()
        x, k, notes = values_controls(s)
    with main:
        for note in notes:
            st.warning(note)
        if predict and not prediction_gate(s):
            return
        if predict:
            prediction_feedback(s)
        if not shape_view(s):
            return
        signature = (astuple(s), x.tobytes(), k.tobytes())
        if st.session_state[f"{K}signature"] != signature:  # new sizes or values: start over
            st.session_state[f"{K}signature"] = signature
            st.session_state[f"{K}cursor"] = 0
            st.session_state[f"{K}playing"] = False
        timer_on = st.session_state[f"{K}playing"]
        total = len(window_positions(s))
        stepping_buttons(total, min(st.session_state[f"{K}cursor"], total - 1), timer_on)
        st.fragment(window_view, run_every=PLAY_INTERVAL if timer_on else None)(s, x, k, timer_on)


# ----------------------------------------------------------------------------- channels


@st.cache_data(max_entries=32, show_spinner=False)
def channel_values(c_in: int, c_out: int, n: int, k: int, seed: int):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 5, size=(c_in, n, n)).astype(float)
    w = rng.integers(-1, 2, size=(c_out, c_in, k, k)).astype(float)
    b = rng.integers(-2, 3, size=c_out).astype(float)
    return x, w, b


def _new_channel_values() -> None:
    st.session_state[f"{K}channel_seed"] += 1


def channels_tab() -> None:
    controls, main = st.columns([1, 2.3], gap="large")
    with controls:
        a, b = st.columns(2)
        c_in = a.slider("Input channels $c_i$", 1, 4, 3, key=f"{K}c_in")
        c_out = b.slider("Filters $c_o$", 1, 4, 2, key=f"{K}c_out")
        n = a.slider("Input size $n$", 2, 7, 4, key=f"{K}c_n")
        k = b.slider("Kernel size $k$", 1, 4, 2, key=f"{K}c_k")
        p = a.slider("Padding, each side", 0, 2, 0, key=f"{K}c_p")
        s = b.slider("Stride", 1, 3, 1, key=f"{K}c_s")
        st.button("New random values", on_click=_new_channel_values, key=f"{K}c_new")
    with main:
        try:
            ho = output_size(n, k, stride=s, padding=p)
        except ValueError as err:
            st.error(str(err))
            st.info("Make the kernel smaller or add padding.")
            return
        x, w, bias = channel_values(c_in, c_out, n, k, st.session_state[f"{K}channel_seed"])
        names = [CHANNEL_NAMES[c] for c in range(c_in)]
        st.markdown(
            f"**Weights W: {c_out} × {c_in} × {k} × {k}** "
            f"($c_o \\times c_i \\times k_h \\times k_w$) = {c_out * c_in * k * k} weights, "
            f"plus {c_out} biases = **{c_out * c_in * k * k + c_out} parameters**. "
            f"Input {c_in} × {n} × {n} → output **{c_out} × {ho} × {ho}**: "
            "one output channel per filter."
        )
        f_col, cell_col = st.columns(2)
        f = f_col.selectbox(
            "Filter to look at",
            range(c_out),
            format_func=lambda o: f"filter {o + 1}",
            key=f"{K}c_filter",
        )
        index = cell_col.select_slider(
            "Output entry",
            range(ho * ho),
            format_func=lambda t: f"({t // ho + 1}, {t % ho + 1})",
            key=f"{K}c_cell_{ho}",
        )
        cell = divmod(index, ho)
        partial = np.stack(
            [conv2d(x[c : c + 1], w[f, c][None, None], stride=s, padding=p)[0] for c in range(c_in)]
        )
        out = conv2d(x, w[f : f + 1], bias[f : f + 1], stride=s, padding=p)[0]
        taps = window_taps(*cell, (k, k), stride=s)
        terms = " + ".join(paren_if_negative(partial[c][cell]) for c in range(c_in))
        sub = ", ".join(names)
        st.latex(
            latex(
                rf"y_{{{cell[0] + 1},{cell[1] + 1}}} = \sum_{{c \in \{{{sub}\}}}} "
                rf"(X_c \star K_c)_{{{cell[0] + 1},{cell[1] + 1}}} + b"
                rf" = {terms} + {paren_if_negative(bias[f])} = {num(out[cell])}"
            )
        )
        fig = channels_figure(
            x, w[f], partial, out, bias=float(bias[f]), cell=cell, taps=taps, padding=(p, p)
        )
        st.plotly_chart(fig, width="stretch", key=f"{K}channels_chart")
        st.markdown(f"**All {c_out} filters → {c_out} output channels**")
        outs = conv2d(x, w, bias, stride=s, padding=p)
        st.plotly_chart(output_channels_figure(outs), width="stretch", key=f"{K}filters_chart")


# ----------------------------------------------------------------------------- pooling


def pooling_tab() -> None:
    controls, main = st.columns([1, 2.3], gap="large")
    with controls:
        mode = st.radio(
            "Pooling",
            ("max", "avg"),
            format_func={"max": "max", "avg": "average"}.get,
            horizontal=True,
            key=f"{K}pool_mode",
        )
        a, b = st.columns(2)
        nh = a.slider("Input height", 1, 8, 4, key=f"{K}pool_nh")
        nw = b.slider("Input width", 1, 8, 4, key=f"{K}pool_nw")
        kh = a.slider("Window height", 1, 4, 2, key=f"{K}pool_kh")
        kw = b.slider("Window width", 1, 4, 2, key=f"{K}pool_kw")
        sh = a.slider("Stride (rows)", 1, 4, 2, key=f"{K}pool_sh")
        sw = b.slider("Stride (columns)", 1, 4, 2, key=f"{K}pool_sw")
        values = st.radio("Values", ("counting", "random"), horizontal=True, key=f"{K}pool_values")
    with main:
        try:
            ho = output_size(nh, kh, stride=sh)
            wo = output_size(nw, kw, stride=sw)
        except ValueError as err:
            st.error(str(err))
            st.info("Make the window smaller or the input larger.")
            return
        st.latex(shape_latex("h", nh, kh, 0, "0", sh, 1))
        st.latex(shape_latex("w", nw, kw, 0, "0", sw, 1))
        # Plain counting here (d2l's pooling example is 0 … 15 in a 4 × 4 grid).
        x = (
            base_input(nh, nw, "random", st.session_state[f"{K}seed"])
            if values == "random"
            else np.arange(nh * nw, dtype=float).reshape(nh, nw)
        )
        out = pool2d(x, (kh, kw), stride=(sh, sw), mode=mode)
        index = st.select_slider(
            "Window position (output entry)",
            range(ho * wo),
            format_func=lambda t: f"({t // wo + 1}, {t % wo + 1})",
            key=f"{K}pool_cell_{ho}x{wo}",
        )
        cell = divmod(index, wo)
        taps = window_taps(*cell, (kh, kw), stride=(sh, sw))
        window = x[np.ix_(*taps)]
        items = ", ".join(num(v) for v in window.ravel())
        if mode == "max":
            st.latex(latex(rf"\max({items}) = {num(out[cell])}"))
        else:
            st.latex(
                latex(
                    rf"\frac{{{' + '.join(num(v) for v in window.ravel())}}}"
                    rf"{{{window.size}}} = {num(out[cell])}"
                )
            )
        fig = sliding_window_figure(
            x,
            np.ones_like(x, dtype=bool),
            covered_rows=coverage(nh, kh, stride=sh),
            covered_cols=coverage(nw, kw, stride=sw),
            taps=taps,
            out=out,
            out_shown=(np.arange(ho * wo) <= index).reshape(ho, wo),
            current=cell,
            op_label="max" if mode == "max" else "mean",
            titles=(f"input {nh} × {nw}", "", f"output {ho} × {wo}"),
        )
        st.plotly_chart(fig, width="stretch", key=f"{K}pool_chart")
        st.caption(
            f"Each window of {kh} × {kw} becomes one number: its "
            f"{'largest entry' if mode == 'max' else 'mean'}. Pooling has no weights; the shape "
            "follows the same formula, with the stride usually equal to the window so that "
            "windows do not overlap."
        )


# ----------------------------------------------------------------------------- page

lesson_header(
    "Convolution arithmetic",
    "A 2-D convolution layer slides a $k_h \\times k_w$ **kernel** over the input; each output "
    "entry is the **inner product** of the kernel with the window under it. **Padding** adds "
    "rows and columns of zeros around the input ($p_h$ rows and $p_w$ columns in total), and the "
    "**stride** is how many rows / columns the window moves per slide. The output shape is",
    [
        r"\left\lfloor \frac{n_h - k_h + p_h + s_h}{s_h} \right\rfloor \times "
        r"\left\lfloor \frac{n_w - k_w + p_w + s_w}{s_w} \right\rfloor"
    ],
)
st.caption(
    "Why: the padded input has $n_w + p_w$ columns; after $t$ slides the window's right end is at "
    "column $1 + t s_w + k_w - 1 \\le n_w + p_w$, so $t + 1 \\le (n_w - k_w + p_w + s_w)/s_w$, "
    "and the number of positions $t + 1$ is the floor of that. As in every deep-learning library, "
    "the kernel is not flipped (cross-correlation)."
)

_init_state()
tab_shape, tab_channels, tab_pool = st.tabs(
    ["Stride and padding", "Channels and filters", "Pooling"]
)
with tab_shape:
    stride_padding_tab()
with tab_channels:
    channels_tab()
with tab_pool:
    pooling_tab()

quiz(quizzes.CONVOLUTION)
