"""Image filters: pick or upload a picture and see what convolution kernels respond to."""

from __future__ import annotations

import base64
import hashlib
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from engine.conv import output_size
from engine.filter_learning import LearnedFilters, learn_filters, load_sample_photos
from engine.filters import (
    PRESETS,
    apply_filters,
    gabor_bank,
    is_signed,
    parse_kernel,
    preset_kernel,
    strongest_orientation,
)
from engine.images import ImageError, encode_image, fit_within, load_image
from ui import quizzes
from ui.charts import chart, show
from ui.figures.filter_learning import convergence_figure, montage_figure
from ui.figures.filters import (
    MapPanel,
    bank_figure,
    colourize,
    kernel_figure,
    map_scale,
    maps_figure,
    orientation_colours,
    orientation_glyphs,
    orientation_picture,
    picture,
    with_glyphs,
)
from ui.formatting import num
from ui.frame import lesson_header, quiz, say
from ui.state import Settings, choice, custom, flag, integer, number, tab
from ui.text import filter_learning as learned_text
from ui.text.filters import (
    COLOUR_NOTE,
    CONV_LATEX,
    GALLERY_NOTE,
    OUTPUT_SHAPE_LATEX,
    WINNER_NOTE,
    bank_caption,
    flat_picture_message,
    kernel_from_text,
    kernel_to_text,
    map_title,
    picture_caption,
    pool_caption,
    shape_markdown,
    upload_error,
)

ASSETS = Path(__file__).resolve().parents[1] / "assets"
SAMPLES = {
    "cat": ("Cat", "cat.jpg"),
    "coffee": ("Coffee", "coffee.jpg"),
    "astronaut": ("Astronaut", "astronaut.jpg"),
    "brick": ("Brick wall", "brick.jpg"),
}
WORK_SIDE = 512  # pictures are filtered at most this large: plenty to see, fast to compute
DISPLAY_SIDE = 360  # each map is sent to the browser as a JPEG at most this large
CACHE_SECONDS = 900  # cached pictures and maps (an upload's among them) are dropped after this
TABS = (
    "Eight classic filters", "One filter, step by step", "Gabor filters (AlexNet's conv1)",
    "Learned from photos",
)  # fmt: skip
MODES = {
    "sum": "One 3-channel filter: R, G and B responses added (one map)",
    "per_channel": "Each channel on its own (three maps)",
}
SHAPES = {"bars": 0.0, "edges": float(np.pi / 2)}  # the Gabor filter's phase ψ
S = Settings(
    "filters",
    choice("sample", "cat", tuple(SAMPLES)),
    tab("view", TABS[0], TABS),  # old links named the tab by its label: still read
    choice("inspect_map", "sobel_x", tuple(PRESETS)),
    choice("source", "preset", ("preset", "custom")),
    choice("preset", "sobel_x", tuple(PRESETS)),
    choice("custom_size", 3, (3, 5)),
    custom("kernel", (), kernel_from_text, kernel_to_text),  # the last valid kernel typed
    choice("mode", "sum", tuple(MODES)),
    choice("stride", 1, (1, 2, 3, 4)),
    # Zero padding per side, per kernel size (3 × 3 or 5 × 5): "same" size by default.
    choice("padding_3", 1, tuple(range(4))),
    choice("padding_5", 2, tuple(range(6))),
    flag("relu", False),
    flag("pool", False),
    integer("gabor_n", 8, 2, 16),
    number("gabor_lambda", 6.0, 3.0, 16.0, step=0.5),
    number("gabor_sigma", 2.5, 1.0, 5.0, step=0.5),
    choice("gabor_shape", "bars", tuple(SHAPES)),
    flag("gabor_relu", False),
    choice("learn_source", "photos", ("photos", "picture")),
    choice("learn_n", 32, (16, 32, 64)),
    choice("learn_k", 12, (8, 12, 16)),
    integer("learn_seed", 0, 0, 999),
    choice("learn_show", "features", ("features", "filters")),
)
UPLOAD_ROUND = S.key("upload_round")  # a new uploader (and no file) after each "use a sample"


# -- cached computations, keyed by a short name of the picture ("sample:cat", "upload:<sha1>") ---
# The picture itself is passed as ``_image``: Streamlit does not hash arguments named with an
# underscore, so a 512 × 512 picture is not hashed on every rerun.


@st.cache_data(show_spinner=False, max_entries=8, ttl=CACHE_SECONDS)
def decode(data: bytes) -> np.ndarray:
    """The picture as (3, H, W) in [0, 1], at most WORK_SIDE a side (raises ImageError)."""
    return load_image(data, max_side=WORK_SIDE)


@st.cache_data(show_spinner=False)
def sample_bytes(name: str) -> bytes:
    return (ASSETS / SAMPLES[name][1]).read_bytes()


def data_uri(rgb: np.ndarray, *, max_side: int = DISPLAY_SIDE) -> tuple[str, tuple[int, int]]:
    """A small JPEG of the picture for the browser, and its (h, w)."""
    jpeg = encode_image(rgb, fmt="JPEG", max_side=max_side, quality=85)
    shape = fit_within(rgb.shape[0], rgb.shape[1], max_side)
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii"), shape


def map_panel(title: str, values: np.ndarray, *, signed: bool, label: str = "response"):
    source, shape = data_uri(colourize(values, signed=signed))
    return MapPanel.of_map(map_title(title, values), source, shape, values, label)


def picture_panel(title: str, rgb: np.ndarray) -> MapPanel:
    source, shape = data_uri(rgb)
    return MapPanel(title, source, shape, rgb.shape[:2])


@st.cache_data(show_spinner=False, max_entries=8, ttl=CACHE_SECONDS)
def input_panel(picture_id: str, _image: np.ndarray) -> MapPanel:
    return picture_panel("Input", picture(_image))


@st.cache_data(show_spinner=False, max_entries=8, ttl=CACHE_SECONDS)
def preset_panels(picture_id: str, _image: np.ndarray) -> list[MapPanel]:
    """The input and the eight presets' maps ('same' padding: maps as large as the input)."""
    panels = [input_panel(picture_id, _image)]
    for preset in PRESETS.values():
        k = preset.kernel
        out = apply_filters(_image, k, padding=k.shape[0] // 2, padding_mode="mirror")[0]
        panels.append(map_panel(preset.label, out, signed=is_signed(k)))
    return panels


@st.cache_data(show_spinner=False, max_entries=16, ttl=CACHE_SECONDS)
def filter_layer(
    picture_id: str, _image: np.ndarray, kernel: tuple, mode: str, stride: int, padding: int,
    relu: bool, pool: bool,
) -> np.ndarray:  # fmt: skip
    return apply_filters(
        _image, np.array(kernel), mode=mode, stride=stride, padding=padding, relu=relu,
        pool=2 if pool else None,
    )[0]  # fmt: skip


@st.cache_data(show_spinner=False, max_entries=8, ttl=CACHE_SECONDS)
def gabor_panels(
    picture_id: str, _image: np.ndarray, n: int, wavelength: float, sigma: float, shape: str,
    relu: bool,
) -> tuple[list[MapPanel], MapPanel, tuple[list, list]]:  # fmt: skip
    """The bank's maps on one colour scale, the strongest orientation as a picture, and the
    orientation lines drawn over it."""
    bank = gabor_bank(n, wavelength=wavelength, sigma=sigma, phase=SHAPES[shape])
    maps = apply_filters(
        _image, bank.kernels / 3, padding=bank.kernels.shape[1] // 2, padding_mode="mirror",
        relu=relu,
    )  # fmt: skip
    top = map_scale(maps, signed=True)  # one scale for the whole bank, so the maps compare
    panels = []
    for degrees, m in zip(bank.degrees, maps, strict=True):
        source, size = data_uri(colourize(m, signed=True, scale=top))
        panels.append(MapPanel.of_map(map_title(f"θ = {degrees:g}°", m), source, size, m))
    index, strength = strongest_orientation(maps)
    source, size = data_uri(orientation_picture(index, strength, orientation_colours(n)))
    winner = MapPanel.of_map("Strongest orientation", source, size, bank.degrees[index], "θ (°)")
    block = max(10, round(max(index.shape) / 24))  # about 24 lines along the longer side
    return panels, winner, orientation_glyphs(index, strength, bank.degrees, block=block)


# -- charts ----------------------------------------------------------------------------------------


@chart(max_entries=16)
def kernel_chart(kernel: tuple, height: int):
    return kernel_figure(np.array(kernel), height=height)


@chart(max_entries=32, ttl=CACHE_SECONDS)
def inspect_chart(picture_id: str, _image: np.ndarray, preset: str):
    panels = preset_panels(picture_id, _image)
    return maps_figure([panels[0], panels[1 + list(PRESETS).index(preset)]], columns=2,
                       panel_width=400)  # fmt: skip


@chart(max_entries=32, ttl=CACHE_SECONDS)
def maps_chart(
    picture_id: str, _image: np.ndarray, kernel: tuple, name: str, mode: str, stride: int,
    padding: int, relu: bool, pool: bool,
):  # fmt: skip
    out = filter_layer(picture_id, _image, kernel, mode, stride, padding, relu, pool)
    signed = is_signed(np.array(kernel))
    panels = [input_panel(picture_id, _image)]
    if mode == "sum":
        panels.append(map_panel(f"{name}: R + G + B", out, signed=signed))
    else:
        for channel, values in zip("RGB", out, strict=True):
            panels.append(map_panel(f"{name} on {channel}", values, signed=signed))
        together = picture(out, signed=signed)
        panels.append(picture_panel("The three maps as one colour picture", together))
    columns = 2 if len(panels) <= 2 else 3
    return maps_figure(panels, columns=columns, panel_width=700 // columns)


@chart(max_entries=16)
def bank_chart(n: int, wavelength: float, sigma: float, shape: str):
    bank = gabor_bank(n, wavelength=wavelength, sigma=sigma, phase=SHAPES[shape])
    return bank_figure(bank.kernels, bank.degrees, orientation_colours(n),
                       height=130 if n > 8 else 160)  # fmt: skip


@chart(max_entries=16, ttl=CACHE_SECONDS)
def winner_chart(
    picture_id: str, _image: np.ndarray, n: int, wavelength: float, sigma: float, shape: str,
    relu: bool,
):  # fmt: skip
    _, winner, glyphs = gabor_panels(picture_id, _image, n, wavelength, sigma, shape, relu)
    spec = maps_figure([input_panel(picture_id, _image), winner], columns=2, panel_width=480)
    return with_glyphs(spec, 1, glyphs)


@st.cache_data(show_spinner=False, max_entries=16, ttl=CACHE_SECONDS)
def download_png(picture_id: str, _image: np.ndarray, kernel: tuple, mode: str, stride: int,
                 padding: int, relu: bool, pool: bool) -> bytes:  # fmt: skip
    out = filter_layer(picture_id, _image, kernel, mode, stride, padding, relu, pool)
    signed = is_signed(np.array(kernel))
    rgb = colourize(out, signed=signed) if mode == "sum" else picture(out, signed=signed)
    return encode_image(rgb, fmt="PNG")


# -- picture ---------------------------------------------------------------------------------------


def use_sample_instead() -> None:
    """A sample picked while an upload is in use: show the sample, and clear the uploader (a
    file uploader cannot be emptied from the script; a new one replaces it)."""
    picked = st.session_state.get(S.key("sample_pick"))
    if picked:
        S["sample"] = picked
        st.session_state[UPLOAD_ROUND] = st.session_state.get(UPLOAD_ROUND, 0) + 1
    st.session_state[S.key("sample_pick")] = None


def picture_section() -> tuple[str, np.ndarray]:
    """The sample or the learner's upload: (its short name, the picture (3, H, W)).

    The page's one message about the picture (an upload that failed, a flat picture) is drawn
    at one place below, so a later message replaces an earlier one."""
    left, right = st.columns([2, 3], gap="large")
    image = picture_id = what = None
    problem = None
    with right:
        limit = st.get_option("server.maxUploadSize")
        # Any file type: the browser would turn some away by itself, without a rerun, and leave
        # the message about an earlier file on screen; here Pillow judges every file and the
        # message is always about the file just dropped.
        upload = st.file_uploader(
            f"Or upload your own picture (PNG, JPEG, GIF, BMP, TIFF, WebP; up to {limit} MB)",
            key=S.key(f"upload_{st.session_state.get(UPLOAD_ROUND, 0)}"),
            help="Your picture is only held in the server's memory, never written to disk; "
            "results computed from it are dropped after 15 minutes.",
        )  # fmt: skip
        if upload is not None:
            data = upload.getvalue()
            try:
                image = decode(data)
                picture_id = "upload:" + hashlib.sha1(data).hexdigest()
                what = f"your picture “{upload.name}”"
            except ImageError as err:
                problem = upload_error(upload.name, str(err))
    with left:
        names = {s: label for s, (label, _) in SAMPLES.items()}
        if image is None:
            sample = S.segmented_control("sample", "Sample picture", format_func=names.get)
            st.caption("Photos from scikit-image's sample data (CC0 / public domain).")
        else:
            # The upload is in use: no sample is highlighted; picking one switches back to it.
            st.segmented_control(
                "Sample picture", list(SAMPLES), format_func=names.get, key=S.key("sample_pick"),
                on_change=use_sample_instead,
            )  # fmt: skip
            st.caption("Showing your upload. Pick a sample to filter it instead.")
    if image is None:
        sample = S["sample"]
        image = decode(sample_bytes(sample))
        picture_id, what = f"sample:{sample}", f"the sample “{SAMPLES[sample][0]}”"
    scaled = WORK_SIDE if max(image.shape) == WORK_SIDE else None
    st.caption(picture_caption(what, image.shape[2], image.shape[1], scaled_to=scaled))
    note = problem or flat_picture_message(image)
    say([note] if note else [])
    return picture_id, image


def image_grid(panels: list[MapPanel], *, columns: int, key: str) -> None:
    """Pictures in a grid as plain <img> elements: far quicker for the browser than plotly."""
    with st.container(key=key):
        for start in range(0, len(panels), columns):
            cols = st.columns(columns, gap="small")
            for col, panel in zip(cols, panels[start : start + columns], strict=False):
                col.image(panel.source, caption=panel.title, width="stretch",
                          alt=f"{panel.title}: feature map")  # fmt: skip


# -- the eight classic filters ---------------------------------------------------------------------


@st.fragment
def gallery_section(picture_id: str, image: np.ndarray) -> None:
    panels = preset_panels(picture_id, image)
    image_grid(panels, columns=3, key=S.key("gallery"))
    st.caption(GALLERY_NOTE)
    inspect = st.expander(
        "Read the numbers: one map with its values under the mouse", key=S.key("inspect"),
        on_change="rerun", icon=":material/pan_tool_alt:",
    )  # fmt: skip
    if inspect.open:
        with inspect:
            preset = S.selectbox("inspect_map", "Map", format_func=lambda k: PRESETS[k].label)
            left, right = st.columns([1, 4])
            with left:
                show(kernel_chart(tuple(map(tuple, PRESETS[preset].kernel)), 200),
                     key=S.key("inspect_kernel"))  # fmt: skip
                st.caption(f"{PRESETS[preset].label}: {PRESETS[preset].what}")
            with right:
                show(inspect_chart(picture_id, image, preset), key=S.key("inspect_chart"))
    S.sync_url()


# -- one filter ------------------------------------------------------------------------------------


def _cell_key(size: int, i: int, j: int) -> str:
    return S.key(f"cell_{size}_{i}_{j}")


def _fill_grid(size: int, kernel: np.ndarray) -> None:
    for i in range(size):
        for j in range(size):
            st.session_state[_cell_key(size, i, j)] = num(kernel[i, j], digits=4)


def _preset_or_identity(preset: str, size: int) -> np.ndarray:
    """The preset if it has this size, else the identity: something sensible to edit."""
    kernel = preset_kernel(preset)
    if kernel.shape[0] != size:
        kernel = np.zeros((size, size))
        kernel[size // 2, size // 2] = 1
    return kernel


def _start_kernel(preset: str, size: int) -> np.ndarray:
    """What a fresh grid shows: the kernel of a shared link if it has this size, else the
    preset or the identity."""
    shared = S["kernel"]
    return np.array(shared) if len(shared) == size else _preset_or_identity(preset, size)


def kernel_grid(preset: str) -> tuple[np.ndarray | None, list[str]]:
    """A size × size grid of text cells; any number, decimal or fraction; bad cells reported."""
    size = S.radio("custom_size", "Size", format_func=lambda s: f"{s} × {s}", horizontal=True)
    if _cell_key(size, 0, 0) not in st.session_state:
        _fill_grid(size, _start_kernel(preset, size))
    cells = []
    for i in range(size):
        row = st.columns(size, gap="small")
        cells.append([
            row[j].text_input(f"Row {i + 1}, column {j + 1}", key=_cell_key(size, i, j),
                              label_visibility="collapsed")
            for j in range(size)
        ])  # fmt: skip
    from_preset = preset_kernel(preset).shape[0] == size
    st.button(
        f"Start from the {PRESETS[preset].label} preset" if from_preset
        else "Start from the identity",
        key=S.key("reset_grid"), on_click=_fill_grid,
        args=(size, _preset_or_identity(preset, size)),
    )  # fmt: skip
    kernel, problems = parse_kernel(cells)
    if kernel is not None:  # what a shared link reproduces (rounded as the link writes it)
        S["kernel"] = kernel_from_text(kernel_to_text(tuple(map(tuple, kernel))))
    return kernel, problems


def kernel_controls() -> tuple[np.ndarray | None, str]:
    """A preset or a custom kernel typed into a grid; returns (kernel or None, its name)."""
    source = S.segmented_control(
        "source", "Kernel", format_func={"preset": "Preset", "custom": "Your own"}.get
    )
    preset = S.selectbox("preset", "Preset", format_func=lambda k: PRESETS[k].label)
    if source != "custom":
        st.caption(f"{PRESETS[preset].label}: {PRESETS[preset].what}")
        return preset_kernel(preset), PRESETS[preset].label
    kernel, problems = kernel_grid(preset)
    if problems:
        st.error("Fix these cells:\n\n" + "\n".join(f"- {p}" for p in problems))
    else:
        st.caption("Type numbers, decimals or fractions like 1/9, then press Enter.")
    return kernel, "Your kernel"


def layer_controls(k: int) -> dict:
    mode = S.radio("mode", "Channels", format_func=MODES.get)
    stride = S.select_slider("stride", "Stride s")
    padding = S.select_slider(
        f"padding_{k}", "Zero padding per side",
        help="Rows and columns of zeros added on every side; the lecture's p counts both sides, "
        "so p = 2 × this.",
    )  # fmt: skip
    relu = S.toggle("relu", "ReLU: negative responses become 0")
    pool = S.toggle("pool", "2 × 2 max pooling, stride 2")
    return {"mode": mode, "stride": stride, "padding": padding, "relu": relu, "pool": pool}


@st.fragment
def one_filter_section(picture_id: str, image: np.ndarray) -> None:
    left, right = st.columns([1, 2.4], gap="large")
    with left, st.container(border=True):
        kernel, name = kernel_controls()
        layer = layer_controls(kernel.shape[0] if kernel is not None else S["custom_size"])
    with right:
        if kernel is None:
            st.info("The feature map appears once every cell of your kernel is a number.")
            S.sync_url()
            return
        key = tuple(map(tuple, kernel.tolist()))
        args = (picture_id, image, key, layer["mode"], layer["stride"], layer["padding"],
                layer["relu"], layer["pool"])  # fmt: skip
        try:
            out = filter_layer(*args)
        except ValueError as err:
            st.warning(f"{err}")
            S.sync_url()
            return
        top_left, top_right = st.columns([1, 2.5])
        with top_left:
            show(kernel_chart(key, 190), key=S.key("kernel"))
        with top_right:
            st.markdown(f"**Output shape** {out.shape[-2]} × {out.shape[-1]}, by the lecture's "
                        "formula with p = 2 × padding:")  # fmt: skip
            n, k = image.shape[1:], kernel.shape
            stride, padding = layer["stride"], layer["padding"]
            h = output_size(n[0], k[0], stride=stride, padding=padding)
            w = output_size(n[1], k[1], stride=stride, padding=padding)
            st.markdown(shape_markdown(n, k, stride=stride, padding=padding, out=(h, w)))
            if layer["pool"]:
                st.caption(pool_caption(h, w))
        show(maps_chart(picture_id, image, key, name, *args[3:]), key=S.key("maps"))
        st.caption(COLOUR_NOTE + " Hover over a map to read its values.")
        st.download_button(
            "Download the feature map (PNG)", download_png(*args), file_name="feature-map.png",
            mime="image/png", key=S.key("download"), icon=":material/download:",
            on_click="ignore",
        )  # fmt: skip
    S.sync_url()


# -- Gabor bank ------------------------------------------------------------------------------------


def gabor_controls() -> dict:
    c = st.columns(5)
    with c[0]:
        n = S.slider("gabor_n", "Orientations")
    with c[1]:
        wavelength = S.slider("gabor_lambda", "Wavelength λ (px)")
    with c[2]:
        sigma = S.slider("gabor_sigma", "Width σ (px)")
    with c[3]:
        names = {"bars": "bars (cosine)", "edges": "edges (sine)"}
        shape = S.radio("gabor_shape", "Shape", format_func=names.get)
    with c[4]:
        relu = S.toggle("gabor_relu", "ReLU")
    return {"n": n, "wavelength": wavelength, "sigma": sigma, "shape": shape, "relu": relu}


@st.fragment
def gabor_section(picture_id: str, image: np.ndarray) -> None:
    st.markdown(
        "AlexNet's first layer learned 96 filters of 11 × 11 × 3 weights, and many look like "
        "these: stripes under a soft round window, at every orientation. Each responds where the "
        "picture has stripes or edges at its angle and spacing."
    )
    p = gabor_controls()
    bank = (p["n"], p["wavelength"], p["sigma"], p["shape"])
    panels, _, _ = gabor_panels(picture_id, image, *bank, p["relu"])
    show(bank_chart(*bank), key=S.key("bank"))
    k = 2 * int(np.ceil(2 * p["sigma"])) + 1
    st.caption(bank_caption(p["n"], k))
    image_grid(panels, columns=4, key=S.key("gabor_maps"))
    st.markdown("**Which orientation responds most where**")
    show(winner_chart(picture_id, image, *bank, p["relu"]), key=S.key("winner"))
    st.caption(WINNER_NOTE)
    S.sync_url()


# -- filters learned from photos -------------------------------------------------------------------

LEARN_DEFAULT = (
    "photos",
    32,
    12,
    0,
)  # (source, filters, patch side, seed): learned without a click
LEARN_ASKED = S.key("learn_asked")  # the banks this learner asked for (pressed Learn filters)
LENET_TRAINER = "lenet_trainer"  # where lessons/lenet.py keeps this session's network
SOURCES = {"photos": "The four sample photos", "picture": "The picture above"}
MONTAGE_WIDTH = {"learned": 420, "side": 280, "small": 300}  # px each montage is laid out for


@dataclass
class LearnedSlot:
    """One bank's place in the server's memory, shared by every learner: empty until someone
    learns it, then written once (under ``lock``) and only read. Two learners asking for the
    same bank at once: the second waits for the first's result instead of learning it again."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    result: LearnedFilters | None = None
    error: str | None = None


@st.cache_resource(show_spinner=False, max_entries=24)
def sample_slot(source: str, n: int, k: int, seed: int) -> LearnedSlot:
    """Banks of the sample photos: kept (a class shares them; the default is learned once)."""
    return LearnedSlot()


@st.cache_resource(show_spinner=False, max_entries=8, ttl=CACHE_SECONDS)
def upload_slot(source: str, n: int, k: int, seed: int) -> LearnedSlot:
    """Banks of an upload: dropped after CACHE_SECONDS, as the page promises."""
    return LearnedSlot()


def slot_for(key: tuple) -> LearnedSlot:
    return (upload_slot if key[0].startswith("upload:") else sample_slot)(*key)


@st.cache_resource(show_spinner=False)
def sample_photos() -> list[np.ndarray]:
    photos = load_sample_photos()
    for photo in photos:
        photo.flags.writeable = False
    return photos


def learn_into(slot: LearnedSlot, images: list[np.ndarray], key: tuple) -> None:
    """Learn the bank with a progress bar, unless it is there already (or being learned)."""
    if slot.result is not None or slot.error is not None:
        return
    if not slot.lock.acquire(blocking=False):
        with st.spinner("Someone on this server is learning this very bank: one moment."):
            slot.lock.acquire()
    bar = st.progress(0.0, text="Cutting patches and whitening them…")
    first: list[float] = []

    def progress(iteration: int, max_iter: int, change: float) -> None:
        # How far the change has fallen from the first iteration's to the tolerance, on a log
        # scale: FastICA stops long before max_iter, so iteration / max_iter would crawl.
        if not first:
            first.append(change)
        done = math.log(first[0] / max(change, 1e-12)) / math.log(first[0] / 1e-4)
        bar.progress(min(max(done, iteration / max_iter), 1.0),
                     text=learned_text.progress_text(iteration, max_iter, change))  # fmt: skip

    try:
        if slot.result is None and slot.error is None:
            _, n, k, seed = key
            try:
                slot.result = learn_filters(images, n_filters=n, patch_size=k, seed=seed,
                                            progress=progress)  # fmt: skip
            except ValueError as err:
                slot.error = str(err)
    finally:
        slot.lock.release()
        bar.empty()


def ask_for(key: tuple) -> None:
    """The Learn button's callback: before the rerun, so the button is drawn as done."""
    st.session_state.setdefault(LEARN_ASKED, set()).add(key)


def learn_controls(picture_id: str) -> tuple:
    """Source, bank size, seed and the button; returns the bank's key."""
    with st.container(border=True):
        source = S.segmented_control("learn_source", "Learn from", format_func=SOURCES.get)
        c = st.columns([1.2, 1.2, 0.8, 1.3], gap="medium", vertical_alignment="bottom")
        with c[1]:
            k = S.segmented_control(
                "learn_k", "Patch side k (px)",
                help="The side of the square patches, and of the filters learned from them.",
            )  # fmt: skip
        with c[0]:
            # A k × k patch without its mean has k² − 1 directions: 64 filters need k ≥ 12.
            allowed = tuple(v for v in S.items["learn_n"].options if v < k * k)
            n = S.segmented_control(
                "learn_n", "Filters", options=allowed,
                help="How many filters: the strongest principal components kept, then turned "
                "by ICA. An 8 × 8 patch has only 63 directions once its mean is removed, so 64 "
                "filters need 12 × 12 patches or more.",
            )  # fmt: skip
        with c[2]:
            seed = S.number_input(
                "learn_seed", "Seed", help="Which random patches and which starting point for "
                "FastICA: another seed, another (similar) bank.",
            )  # fmt: skip
        source_id = "photos" if source == "photos" else picture_id
        key = (source_id, n, k, seed)
        learned = key == LEARN_DEFAULT or key in st.session_state.get(LEARN_ASKED, set())
        with c[3]:
            st.button(
                "Learned" if learned else "Learn filters", key=S.key("learn"), type="primary",
                width="stretch", disabled=learned, on_click=ask_for, args=(key,),
                icon=":material/check:" if learned else ":material/auto_awesome:",
                help="Learned: change a setting to learn another bank." if learned
                else "Learn a bank with these settings (a second or two).",
            )  # fmt: skip
    return key


def picture_name(picture_id: str) -> str:
    kind, _, name = picture_id.partition(":")
    return f"the sample “{SAMPLES[name][0]}”" if kind == "sample" else "your picture"


@chart(max_entries=32, ttl=CACHE_SECONDS)
def learned_chart(key: tuple, kind: str, *, _result: LearnedFilters):
    bank = getattr(_result, kind)[_result.by_orientation()]
    return montage_figure(bank, cols=8, width=MONTAGE_WIDTH["learned"], label=kind[:-1])


@chart(max_entries=32)
def gabor_tiles_chart(n: int, wavelength: float, sigma: float, shape: str):
    bank = gabor_bank(n, wavelength=wavelength, sigma=sigma, phase=SHAPES[shape])
    return montage_figure(bank.kernels, cols=4, width=MONTAGE_WIDTH["side"], label="filter")


@chart(max_entries=16)
def lenet_chart(run: str, iteration: int, *, _weights: np.ndarray):
    return montage_figure(_weights, cols=3, width=MONTAGE_WIDTH["side"], label="filter")


@chart(max_entries=32, ttl=CACHE_SECONDS)
def patches_chart(key: tuple, *, _result: LearnedFilters):
    return montage_figure(_result.examples, cols=8, signed=False, width=MONTAGE_WIDTH["small"],
                          label="patch")  # fmt: skip


@chart(max_entries=32, ttl=CACHE_SECONDS)
def pca_chart(key: tuple, *, _result: LearnedFilters):
    return montage_figure(_result.principal_components[:16], cols=8,
                          width=MONTAGE_WIDTH["small"], label="component")  # fmt: skip


@chart(max_entries=32, ttl=CACHE_SECONDS)
def convergence_chart(key: tuple, *, _result: LearnedFilters):
    return convergence_figure(_result.changes, 1e-4, height=200)


def lenet_panel() -> None:
    """The LeNet's first-layer filters if this learner trained one on /lenet (never trained
    here: that is the LeNet page's job)."""
    t = st.session_state.get(LENET_TRAINER)
    if t is None or t.iteration == 0:
        st.markdown(learned_text.NO_LENET)
        try:
            st.page_link("lessons/lenet.py", label="Train a LeNet", icon=":material/arrow_forward:")
        except StreamlitPageNotFoundError:  # this page run on its own (tests): no navigation
            st.markdown("[Train a LeNet](lenet)")
        return
    weights = t.model.params["conv1.W"][:, 0]
    spec = lenet_chart(st.session_state.get("lenet_run", ""), t.iteration, _weights=weights)
    show(spec, key=S.key("learn_lenet"), alt="The LeNet's six 5 by 5 first-layer filters, tiled.")
    accuracy = t.history.test_accuracy[-1] if t.history.test_accuracy else None
    st.caption(learned_text.lenet_caption(t.epoch, accuracy))


def learned_result(key: tuple, r: LearnedFilters, source: str) -> None:
    _, n, k, seed = key
    st.markdown(learned_text.learned_summary(
        n=n, k=k, source=source, n_patches=r.n_patches, iterations=r.iterations,
        converged=r.converged, seed=seed,
    ))  # fmt: skip
    kind = S.segmented_control("learn_show", "Show", format_func=learned_text.SHOW.get,
                               help=learned_text.SHOW_HELP)  # fmt: skip
    peaks, spread = (
        (r.feature_peaks, r.feature_spread) if kind == "features" else (r.peaks, r.spread)
    )
    oriented = int((peaks.selectivity >= learned_text.ORIENTED).sum())
    left, middle, right = st.columns([2, 1, 1], gap="large")
    with left:
        show(learned_chart(key, kind, _result=r), key=S.key("learn_montage"),
             alt=learned_text.montage_alt(n, k, kind, oriented))  # fmt: skip
        st.caption(learned_text.learned_caption(n, k, kind))
    with middle:
        g = (S["gabor_n"], S["gabor_lambda"], S["gabor_sigma"], S["gabor_shape"])
        alt = f"The hand-made bank of {g[0]} Gabor filters as tiles, one per orientation."
        show(gabor_tiles_chart(*g), key=S.key("learn_gabor"), alt=alt)
        st.caption(learned_text.gabor_caption(g[0], 2 * int(np.ceil(2 * g[2])) + 1))
    with right:
        lenet_panel()
    st.markdown(learned_text.shape_numbers(peaks.selectivity, spread, peaks.degrees, k=k,
                                           kind=kind))  # fmt: skip
    st.markdown("#### How it gets there: patches → whitening → ICA")
    what, what_not = st.columns(2, gap="large")
    what.markdown(learned_text.METHOD)
    what_not.markdown(learned_text.NOT)
    a, b, c = st.columns(3, gap="large")
    with a:
        show(patches_chart(key, _result=r), key=S.key("learn_patches"),
             alt="16 raw image patches in grey, mean removed.")  # fmt: skip
        st.caption(learned_text.PATCHES_NOTE)
    with b:
        show(pca_chart(key, _result=r), key=S.key("learn_pca"),
             alt="The 16 strongest principal components of the patches: smooth waves.")  # fmt: skip
        st.caption(learned_text.PCA_NOTE)
    with c:
        show(convergence_chart(key, _result=r), key=S.key("learn_curve"),
             alt=learned_text.curve_alt(r.iterations, r.converged))  # fmt: skip
        st.caption(learned_text.CURVE_NOTE)
    st.markdown(learned_text.V1)


@st.fragment
def learned_section(picture_id: str, image: np.ndarray) -> None:
    st.markdown(learned_text.INTRO)
    key = learn_controls(picture_id)
    asked = st.session_state.setdefault(LEARN_ASKED, set())
    source = learned_text.source_label(S["learn_source"], picture_name(picture_id))
    slot = slot_for(key)
    if key == LEARN_DEFAULT or key in asked:
        images = sample_photos() if key[0] == "photos" else [image]
        learn_into(slot, images, key)
    if slot.error is not None:
        say([learned_text.learn_error(slot.error, what=source)])
    elif slot.result is None or not (key == LEARN_DEFAULT or key in asked):
        say([learned_text.pending_message(n=key[1], k=key[2], source=source)])
    else:
        learned_result(key, slot.result, source)
    S.sync_url()


# -- page ------------------------------------------------------------------------------------------

S.init()
lesson_header(
    "Image filters",
    "A convolution slides a small kernel over the picture; each output entry is the inner "
    "product of the kernel with the window under it, so it is large where the window looks "
    "like the kernel. **A kernel is a pattern detector.** With an RGB picture the filter has "
    "one kernel per channel and the three responses are summed into one feature map. "
    "CNNs learn their kernels: AlexNet's first layer ended up with Gabor-like stripe and "
    "edge detectors without being told to.",
)
# Inline maths, not display blocks: on a phone they wrap after "=" or "×" instead of being cut
# off at the edge of the screen.
st.markdown(f"${CONV_LATEX}$", text_alignment="center")
st.markdown(f"${OUTPUT_SHAPE_LATEX}$", text_alignment="center")
S.notice()
PICTURE = picture_section()
tabs = S.tabs("view")
SECTIONS = (gallery_section, one_filter_section, gabor_section, learned_section)
for label, section in zip(TABS, SECTIONS, strict=True):
    with tabs[label]:
        if tabs[label].open:
            section(*PICTURE)
quiz(quizzes.FILTERS)
S.sync_url()
