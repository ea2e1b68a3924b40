"""Lesson: convolution arithmetic. Stride, padding and dilation, the output-shape formula,
the sliding window step by step, multiple input channels and filters, pooling."""

from __future__ import annotations

from dataclasses import astuple, dataclass

import numpy as np
import streamlit as st

from engine.conv import conv2d, coverage, output_size, pad2d, pool2d, window_taps
from ui import quizzes
from ui.charts import chart, show
from ui.figures.conv import (
    CHANNEL_NAMES,
    channels_figure,
    output_channels_figure,
    sliding_window_figure,
)
from ui.frame import lesson_header, quiz, say
from ui.grids import grid_frame, grid_values
from ui.player import Control, Player
from ui.state import Settings, choice, flag, integer, tab
from ui.text.convolution import (
    channel_sum_markdown,
    channels_summary,
    dilated_span,
    floor_explanation,
    fourth_channel_note,
    inner_product_markdown,
    pooling_markdown,
    position_heading,
    prediction_verdict,
    shape_markdown,
    window_caption,
)

PLAY_INTERVAL = 0.9  # seconds per window position while playing: slow enough to read the sum
VALUE_RANGE = (-99, 99)  # what the value editors accept
SEEDS = 2**31 - 1
TABS = ("Stride and padding", "Channels and filters", "Pooling")
VALUE_NAMES = {"counting": "0, 1, 2, … (d2l's example)", "random": "random"}
S = Settings(
    "conv",
    tab("tab", TABS[0], TABS),
    # Stride and padding (the URL names are those of the links shared before: conv_nh, ...).
    integer("nh", 3, 1, 10),
    integer("nw", 3, 1, 10),
    integer("kh", 2, 1, 6),
    integer("kw", 2, 1, 6),
    integer("ph", 0, 0, 4),
    integer("pw", 0, 0, 4),
    integer("sh", 1, 1, 5),
    integer("sw", 1, 1, 5),
    integer("dh", 1, 1, 3),
    integer("dw", 1, 1, 3),
    integer("extra_h", 0, 0, 2),
    integer("extra_w", 0, 0, 2),
    choice("values", "counting", tuple(VALUE_NAMES)),
    integer("seed", 0, 0, SEEDS),
    flag("predict", False),
    # Channels and filters.
    integer("c_in", 3, 1, 4),
    integer("c_out", 2, 1, 4),
    integer("c_n", 4, 2, 7),
    integer("c_k", 2, 1, 4),
    integer("c_p", 0, 0, 2),
    integer("c_s", 1, 1, 3),
    integer("c_seed", 0, 0, SEEDS),
    integer("c_filter", 0, 0, 3),
    integer("c_cell", 0, 0, 11 * 11 - 1),  # an output entry, row by row; at most 11 × 11
    # Pooling.
    choice("pool_mode", "max", ("max", "avg")),
    integer("pool_nh", 4, 1, 8),
    integer("pool_nw", 4, 1, 8),
    integer("pool_kh", 2, 1, 4),
    integer("pool_kw", 2, 1, 4),
    integer("pool_sh", 2, 1, 4),
    integer("pool_sw", 2, 1, 4),
    choice("pool_values", "counting", tuple(VALUE_NAMES)),
    integer("pool_cell", 0, 0, 8 * 8 - 1),
)
CURSOR = S.key("cursor")  # the sliding window's position: player state, not a shared setting
SIGNATURE = S.key("signature")  # the sizes and values the cursor belongs to
CHECKED = S.key("checked")  # the settings the learner's prediction was checked for
EDITED = S.key("edited")  # {sizes and values: (X, K)} as the learner typed them
EDIT_ROUND, EDIT_START = S.key("edit_round"), S.key("edit_start")  # fresh editors on each opening
player = Player(
    "conv", interval=PLAY_INTERVAL,
    play_help=f"Slide automatically, one position every {PLAY_INTERVAL:g} s",
)  # fmt: skip


# ----------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Setup:
    """One axis pair of the lecture's quantities; padding is per side plus an uneven extra.

    Hashable: the key of the window chart."""

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

    def out_shape(self) -> tuple[int, int]:
        """(H_out, W_out); ValueError when no window fits."""
        ho = output_size(self.nh, self.kh, stride=self.sh, padding=self.padding[0],
                         dilation=self.dh)  # fmt: skip
        wo = output_size(self.nw, self.kw, stride=self.sw, padding=self.padding[1],
                         dilation=self.dw)  # fmt: skip
        return ho, wo


def current_setup() -> Setup:
    return Setup(*(S[name] for name in (
        "nh", "nw", "kh", "kw", "ph", "pw", "sh", "sw", "dh", "dw", "extra_h", "extra_w",
    )))  # fmt: skip


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


def as_key(a: np.ndarray) -> tuple[tuple[float, ...], ...]:
    """A small grid as plain numbers (what the learner typed, kept in the session)."""
    return tuple(tuple(float(v) for v in row) for row in a)


Problem = tuple[tuple[int, ...], bytes, bytes]


def problem_key(s: Setup, x: np.ndarray, k: np.ndarray) -> Problem:
    """Sizes and values as a cheap cache key: Streamlit hashes bytes in one go, a tuple of
    floats number by number and a dataclass by pickling it."""
    return astuple(s), np.asarray(x, float).tobytes(), np.asarray(k, float).tobytes()


def unpack(problem: Problem) -> tuple[Setup, np.ndarray, np.ndarray]:
    sizes, x, k = problem
    s = Setup(*sizes)
    return s, np.frombuffer(x).reshape(s.nh, s.nw), np.frombuffer(k).reshape(s.kh, s.kw)


# ----------------------------------------------------------------------------- charts


@st.cache_data(max_entries=64, show_spinner=False)
def window_numbers(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    """The padded input and the whole output, (H_p, W_p) and (H_out, W_out)."""
    s, x, k = unpack(problem)
    out = conv2d(
        x[None], k[None, None], stride=(s.sh, s.sw), padding=s.padding, dilation=(s.dh, s.dw)
    )[0]
    return pad2d(x, s.padding), out


@chart(max_entries=256)
def window_chart(problem: Problem, cursor: int):
    """The padded input with the window at position ``cursor``, the kernel and the output so far."""
    s, x, k = unpack(problem)
    x_pad, out = window_numbers(problem)
    ho, wo = out.shape
    i, j = divmod(cursor, wo)
    return sliding_window_figure(
        x_pad,
        pad2d(np.ones_like(x), s.padding) > 0,
        covered_rows=coverage(s.nh, s.kh, stride=s.sh, padding=s.padding[0], dilation=s.dh),
        covered_cols=coverage(s.nw, s.kw, stride=s.sw, padding=s.padding[1], dilation=s.dw),
        taps=window_taps(i, j, k.shape, stride=(s.sh, s.sw), dilation=(s.dh, s.dw)),
        out=out,
        out_shown=(np.arange(ho * wo) <= cursor).reshape(ho, wo),
        current=(i, j),
        kernel=k,
        titles=(
            f"padded input {x_pad.shape[0]} × {x_pad.shape[1]}",
            f"kernel {k.shape[0]} × {k.shape[1]}",
            f"output {ho} × {wo}",
        ),
    )


@st.cache_data(max_entries=32, show_spinner=False)
def channel_values(c_in: int, c_out: int, n: int, k: int, seed: int):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 5, size=(c_in, n, n)).astype(float)
    w = rng.integers(-1, 2, size=(c_out, c_in, k, k)).astype(float)
    b = rng.integers(-2, 3, size=c_out).astype(float)
    return x, w, b


@st.cache_data(max_entries=64, show_spinner=False)
def channel_sum(c_in: int, c_out: int, n: int, k: int, p: int, s: int, seed: int, f: int,
                cell: tuple[int, int]):  # fmt: skip
    """Filter f at one output entry: each channel's partial value, the bias, the output."""
    x, w, bias = channel_values(c_in, c_out, n, k, seed)
    partial = [
        float(conv2d(x[c : c + 1], w[f, c][None, None], stride=s, padding=p)[0][cell])
        for c in range(c_in)
    ]
    out = float(conv2d(x, w[f : f + 1], bias[f : f + 1], stride=s, padding=p)[0][cell])
    return partial, float(bias[f]), out


@chart(max_entries=128)
def channels_chart(c_in: int, c_out: int, n: int, k: int, p: int, s: int, seed: int, f: int,
                   cell: tuple[int, int]):  # fmt: skip
    x, w, bias = channel_values(c_in, c_out, n, k, seed)
    partial = np.stack(
        [conv2d(x[c : c + 1], w[f, c][None, None], stride=s, padding=p)[0] for c in range(c_in)]
    )
    out = conv2d(x, w[f : f + 1], bias[f : f + 1], stride=s, padding=p)[0]
    return channels_figure(
        x, w[f], partial, out, bias=float(bias[f]), cell=cell,
        taps=window_taps(*cell, (k, k), stride=s), padding=(p, p),
    )  # fmt: skip


@chart(max_entries=64)
def filters_chart(c_in: int, c_out: int, n: int, k: int, p: int, s: int, seed: int):
    x, w, bias = channel_values(c_in, c_out, n, k, seed)
    return output_channels_figure(conv2d(x, w, bias, stride=s, padding=p))


def pool_input(nh: int, nw: int, values: str, seed: int) -> np.ndarray:
    # Plain counting here (d2l's pooling example is 0 … 15 in a 4 × 4 grid).
    if values == "random":
        return base_input(nh, nw, "random", seed)
    return np.arange(nh * nw, dtype=float).reshape(nh, nw)


@chart(max_entries=128)
def pool_chart(mode: str, nh: int, nw: int, kh: int, kw: int, sh: int, sw: int, values: str,
               seed: int, index: int):  # fmt: skip
    x = pool_input(nh, nw, values, seed)
    out = pool2d(x, (kh, kw), stride=(sh, sw), mode=mode)
    ho, wo = out.shape
    cell = divmod(index, wo)
    return sliding_window_figure(
        x,
        np.ones_like(x, dtype=bool),
        covered_rows=coverage(nh, kh, stride=sh),
        covered_cols=coverage(nw, kw, stride=sw),
        taps=window_taps(*cell, (kh, kw), stride=(sh, sw)),
        out=out,
        out_shown=(np.arange(ho * wo) <= index).reshape(ho, wo),
        current=cell,
        op_label="max" if mode == "max" else "mean",
        titles=(f"input {nh} × {nw}", "", f"output {ho} × {wo}"),
    )


# ----------------------------------------------------------------------------- callbacks


def move(delta: int | None, total: int) -> None:
    """Step the window; None jumps to the last position (everything computed)."""
    cursor = st.session_state.get(CURSOR, 0)
    cursor = total - 1 if delta is None else cursor + delta
    st.session_state[CURSOR] = max(0, min(total - 1, cursor))


def new_editors() -> None:
    """The editors were opened (or closed): the next ones start from what was typed."""
    st.session_state[EDIT_ROUND] = st.session_state.get(EDIT_ROUND, 0) + 1


def new_values() -> None:
    S["seed"] = (S["seed"] + 1) % SEEDS


def new_channel_values() -> None:
    S["c_seed"] = (S["c_seed"] + 1) % SEEDS


def check_prediction(signature: tuple) -> None:
    st.session_state[CHECKED] = signature


def new_problem() -> None:
    """Random sizes for a fresh prediction; the kernel always fits the padded input.

    Set through the settings (session state), never through the sliders' defaults: a widget
    given both logs a Streamlit warning."""
    rng = np.random.default_rng()
    for axis in ("h", "w"):
        n = int(rng.integers(3, 11))
        S[f"n{axis}"] = n
        S[f"k{axis}"] = int(rng.integers(1, min(n, 6) + 1))
        S[f"p{axis}"] = int(rng.integers(0, 3))
        S[f"s{axis}"] = int(rng.integers(1, 4))
        S[f"d{axis}"] = 1
        S[f"extra_{axis}"] = 0
    st.session_state[CHECKED] = None
    st.session_state[S.key("guess_h")] = st.session_state[S.key("guess_w")] = None


# ----------------------------------------------------------------------------- controls


def shape_controls() -> Setup:
    a, b = st.columns(2)
    with a:
        S.slider("nh", "Input height $n_h$")
        S.slider("kh", "Kernel height $k_h$")
        S.slider("ph", "Padding rows, each side",
                 help="Rows of zeros added above and below: the lecture's $p_h$ is the total, "
                 "twice this.")  # fmt: skip
        S.slider("sh", "Stride $s_h$ (rows)")
    with b:
        S.slider("nw", "Input width $n_w$")
        S.slider("kw", "Kernel width $k_w$")
        S.slider("pw", "Padding columns, each side",
                 help="Columns of zeros added left and right: $p_w$ is twice this.")  # fmt: skip
        S.slider("sw", "Stride $s_w$ (columns)")
    # Stateful, so that its four sliders are only drawn (and paid for) while it is open; their
    # values are settings and stay when it is closed.
    more = st.expander("Dilation and uneven padding", key=S.key("more"), on_change="rerun")
    if more.open:
        with more:
            st.caption(
                "Dilation spreads the kernel's taps apart (d − 1 cells between them); an extra "
                "row or column of padding at the bottom / right makes the padding uneven."
            )
            c, d = st.columns(2)
            with c:
                S.slider("dh", "Dilation $d_h$")
                S.slider("extra_h", "Extra row at the bottom")
            with d:
                S.slider("dw", "Dilation $d_w$")
                S.slider("extra_w", "Extra column, right")
    return current_setup()


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


def values_controls(s: Setup) -> tuple[np.ndarray, np.ndarray, list[str]]:
    mode = S.radio("values", "Values", format_func=VALUE_NAMES.get, horizontal=True)
    if mode == "random":
        st.button("New random values", on_click=new_values, key=S.key("new_values"))
    seed = S["seed"]
    x0 = base_input(s.nh, s.nw, mode, seed)
    k0 = base_kernel(s.kh, s.kw, mode, seed)
    # The editors are drawn only while their expander is open (two data editors cost more than
    # the rest of the section); what the learner typed is kept for these sizes and values.
    tag = f"{s.nh}x{s.nw}_{s.kh}x{s.kw}_{mode}_{seed}"
    typed = st.session_state.get(EDITED, {}).get(tag)
    x, k = (np.array(typed[0]), np.array(typed[1])) if typed else (x0, k0)
    editors = st.expander("Edit the input and kernel values", key=S.key("edit"),
                          on_change=new_editors)  # fmt: skip
    if not editors.open:
        return x, k, []
    with editors:
        st.caption("Click a cell and type a whole number. A new size starts from fresh values.")
        # The editors start from the values typed before and keep that start while open.
        opened = (tag, st.session_state.get(EDIT_ROUND, 0))
        start = st.session_state.get(EDIT_START)
        if start is None or start[0] != opened:
            start = st.session_state[EDIT_START] = (opened, x, k)
        name = f"{tag}_{opened[1]}"
        x, notes_x = edited_grid(start[1], S.key(f"x_edit_{name}"), "Input X")
        k, notes_k = edited_grid(start[2], S.key(f"k_edit_{name}"), "Kernel K")
    st.session_state[EDITED] = {tag: (as_key(x), as_key(k))}
    return x, k, notes_x + notes_k


# ----------------------------------------------------------------------------- stride and padding


def shape_view(s: Setup) -> tuple[int, int] | None:
    """The formula with numbers, or the error if no window fits (then None)."""
    try:
        ho, wo = s.out_shape()
    except ValueError as err:
        st.error(str(err))
        st.info("Make the kernel smaller, add padding, or make the input larger.")
        return None
    (top, bottom), (left, right) = s.padding
    st.markdown(shape_markdown("h", s.nh, s.kh, top, bottom, s.sh, s.dh))
    st.markdown(shape_markdown("w", s.nw, s.kw, left, right, s.sw, s.dw))
    st.markdown(f"Output shape: **{ho} × {wo}**")
    for axis, n, k, st_, d, pad in (
        ("h", s.nh, s.kh, s.sh, s.dh, s.padding[0]),
        ("w", s.nw, s.kw, s.sw, s.dw, s.padding[1]),
    ):
        covered = coverage(n, k, stride=st_, padding=pad, dilation=d)
        note = floor_explanation(axis, n, dilated_span(k, d), sum(pad), st_, covered)
        if note:
            st.warning(note, icon=":material/crop:")
    return ho, wo


def prediction_gate(s: Setup) -> bool:
    """Predict-then-run: True when the shape may be shown."""
    signature = astuple(s)
    if st.session_state.get(CHECKED) == signature:
        return True
    st.markdown("**Your prediction: what is the output shape?**")
    a, b, c = st.columns([1, 1, 1.3], vertical_alignment="bottom")
    a.number_input("Output height", 0, 99, None, step=1, key=S.key("guess_h"))
    b.number_input("Output width", 0, 99, None, step=1, key=S.key("guess_w"))
    c.button("Check my prediction", on_click=check_prediction, args=(signature,),
             type="primary", key=S.key("check"))  # fmt: skip
    st.caption("The output panel and the formula appear once you have checked.")
    return False


def prediction_feedback(s: Setup) -> None:
    try:
        shape = s.out_shape()
    except ValueError:
        st.info("No window fits here, so there is no output shape: see the message below.")
        return
    guess = st.session_state.get(S.key("guess_h")), st.session_state.get(S.key("guess_w"))
    say([prediction_verdict(guess, shape)])


def window_view(problem: Problem) -> None:
    """The player's row, the sliding window and the current inner product. Runs as the
    player's fragment: a button or a tick of Play reruns only this."""
    s, _, k = unpack(problem)
    ho, wo = s.out_shape()
    total = ho * wo
    cursor = min(st.session_state.get(CURSOR, 0), total - 1)
    if player.playing:
        if cursor >= total - 1:
            player.stop()
        else:
            cursor += 1
    st.session_state[CURSOR] = cursor
    at_start, at_end = cursor == 0, cursor >= total - 1
    player.controls(
        [
            Control("Back", move, key="back", args=(-1, total), disabled=at_start,
                    help="Slide the window back one position"),
            Control("Step", move, key="step", args=(1, total), disabled=at_end, primary=True,
                    icon=":material/chevron_right:",
                    help="Slide the window to the next output position"),
        ],
        [
            Control("End", move, key="end", args=(None, total), disabled=at_end, width=0.9,
                    help="Jump to the last position: every output entry computed"),
            Control("Reset", move, key="reset", args=(-total, total), disabled=at_start),
        ],
        can_play=not at_end,
        play_width=1.1,
    )  # fmt: skip
    show(window_chart(problem, cursor), key=S.key("window_chart"))
    i, j = divmod(cursor, wo)
    st.markdown(position_heading(i + 1, j + 1, cursor, total))
    x_pad, out = window_numbers(problem)
    taps = window_taps(i, j, k.shape, stride=(s.sh, s.sw), dilation=(s.dh, s.dw))
    window = x_pad[np.ix_(*taps)]
    st.markdown(inner_product_markdown(window, k, out[i, j], i + 1, j + 1))
    st.caption(window_caption(i, j, s.sh, s.sw))


@st.fragment
def stride_padding_section() -> None:
    controls, main = st.columns([1, 2.6], gap="medium")
    with controls:
        predict = S.toggle(
            "predict", "Predict first",
            help="Hide the output shape until you have typed your prediction.",
        )  # fmt: skip
        if predict:
            st.button("New problem", on_click=new_problem, key=S.key("new_problem"))
        s = shape_controls()
        x, k, notes = values_controls(s)
    with main:
        for note in notes:
            st.warning(note)
        if predict and not prediction_gate(s):
            S.sync_url()
            return
        if predict:
            prediction_feedback(s)
        if shape_view(s) is not None:
            problem = problem_key(s, x, k)
            if st.session_state.get(SIGNATURE) != problem:  # new sizes or values: start over
                st.session_state[SIGNATURE] = problem
                st.session_state[CURSOR] = 0
                player.stop()
            player.run(window_view, problem)
    S.sync_url()


# ----------------------------------------------------------------------------- channels


@st.fragment
def channels_section() -> None:
    controls, main = st.columns([1, 2.6], gap="medium")
    with controls:
        a, b = st.columns(2)
        with a:
            c_in = S.slider("c_in", "Input channels $c_i$")
            n = S.slider("c_n", "Input size $n$")
            p = S.slider("c_p", "Padding, each side")
        with b:
            c_out = S.slider("c_out", "Filters $c_o$")
            k = S.slider("c_k", "Kernel size $k$")
            s = S.slider("c_s", "Stride")
        st.button("New random values", on_click=new_channel_values, key=S.key("c_new"))
    with main:
        try:
            ho = output_size(n, k, stride=s, padding=p)
        except ValueError as err:
            st.error(str(err))
            st.info("Make the kernel smaller or add padding.")
            S.sync_url()
            return
        seed = S["c_seed"]
        st.markdown(channels_summary(c_in, c_out, n, k, ho))
        note = fourth_channel_note(c_in)
        if note:
            st.caption(note)
        f_col, cell_col = st.columns(2)
        with f_col:
            f = S.selectbox("c_filter", "Filter to look at", options=range(c_out),
                            format_func=lambda o: f"filter {o + 1}")  # fmt: skip
        with cell_col:
            index = S.select_slider(
                "c_cell", "Output entry", options=range(ho * ho),
                format_func=lambda t: f"({t // ho + 1}, {t % ho + 1})",
            )  # fmt: skip
        cell = divmod(index, ho)
        partial, bias, out = channel_sum(c_in, c_out, n, k, p, s, seed, f, cell)
        names = CHANNEL_NAMES[:c_in]
        st.markdown(channel_sum_markdown(cell, names, partial, bias, out))
        show(channels_chart(c_in, c_out, n, k, p, s, seed, f, cell), key=S.key("channels_chart"))
        st.markdown(f"**All {c_out} filters → {c_out} output channels** (one map per filter)")
        show(filters_chart(c_in, c_out, n, k, p, s, seed), key=S.key("filters_chart"))
    S.sync_url()


# ----------------------------------------------------------------------------- pooling


@st.fragment
def pooling_section() -> None:
    controls, main = st.columns([1, 2.6], gap="medium")
    with controls:
        mode = S.radio("pool_mode", "Pooling", horizontal=True,
                       format_func={"max": "max", "avg": "average"}.get)  # fmt: skip
        a, b = st.columns(2)
        with a:
            nh = S.slider("pool_nh", "Input height")
            kh = S.slider("pool_kh", "Window height")
            sh = S.slider("pool_sh", "Stride (rows)")
        with b:
            nw = S.slider("pool_nw", "Input width")
            kw = S.slider("pool_kw", "Window width")
            sw = S.slider("pool_sw", "Stride (columns)")
        values = S.radio("pool_values", "Values", horizontal=True)
        if values == "random":
            st.button("New random values", on_click=new_values, key=S.key("pool_new"))
    with main:
        try:
            ho = output_size(nh, kh, stride=sh)
            wo = output_size(nw, kw, stride=sw)
        except ValueError as err:
            st.error(str(err))
            st.info("Make the window smaller or the input larger.")
            S.sync_url()
            return
        st.markdown(shape_markdown("h", nh, kh, 0, 0, sh))
        st.markdown(shape_markdown("w", nw, kw, 0, 0, sw))
        seed = S["seed"]
        index = S.select_slider("pool_cell", "Window position (output entry)",
                                options=range(ho * wo),
                                format_func=lambda t: f"({t // wo + 1}, {t % wo + 1})")  # fmt: skip
        cell = divmod(index, wo)
        x = pool_input(nh, nw, values, seed)
        out = pool2d(x, (kh, kw), stride=(sh, sw), mode=mode)
        window = x[np.ix_(*window_taps(*cell, (kh, kw), stride=(sh, sw)))]
        st.markdown(pooling_markdown(window, out[cell], mode))
        show(pool_chart(mode, nh, nw, kh, kw, sh, sw, values, seed, index),
             key=S.key("pool_chart"))  # fmt: skip
        st.caption(
            f"Each window of {kh} × {kw} becomes one number: its "
            f"{'largest entry' if mode == 'max' else 'mean'}. Pooling has no weights; the shape "
            "follows the same formula, with the stride usually equal to the window so that "
            "windows do not overlap."
        )
    S.sync_url()


# ----------------------------------------------------------------------------- page

S.init()
lesson_header(
    "Convolution arithmetic",
    "A 2-D convolution layer slides a $k_h \\times k_w$ **kernel** over the input; each output "
    "entry is the **inner product** of the kernel with the window under it. **Padding** adds "
    "rows and columns of zeros around the input ($p_h$ rows and $p_w$ columns in total), and the "
    "**stride** is how many rows / columns the window moves per slide. The output shape is",
)
# Inline, not a display block: on a phone it wraps after the ×, instead of being cut off.
st.markdown(
    r"$\left\lfloor \dfrac{n_h - k_h + p_h + s_h}{s_h} \right\rfloor \times "
    r"\left\lfloor \dfrac{n_w - k_w + p_w + s_w}{s_w} \right\rfloor$",
    text_alignment="center",
)
st.caption(
    "Why: the padded input has $n_w + p_w$ columns; after $t$ slides the window's right end is at "
    "column $1 + t s_w + k_w - 1 \\le n_w + p_w$, so $t + 1 \\le (n_w - k_w + p_w + s_w)/s_w$, "
    "and the number of positions $t + 1$ is the floor of that. As in every deep-learning library, "
    "the kernel is not flipped (cross-correlation)."
)
S.notice()
tabs = S.tabs("tab")
SECTIONS = {TABS[0]: stride_padding_section, TABS[1]: channels_section, TABS[2]: pooling_section}
for label, section in SECTIONS.items():
    with tabs[label]:
        if tabs[label].open:
            section()

quiz(quizzes.CONVOLUTION)
S.sync_url()
