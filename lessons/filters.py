"""Image filters: pick or upload a picture and see what convolution kernels respond to."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import numpy as np
import streamlit as st

from engine.conv import output_size
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
TABS = ("Eight classic filters", "One filter, step by step", "Gabor filters (AlexNet's conv1)")
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
for label, section in zip(TABS, (gallery_section, one_filter_section, gabor_section), strict=True):
    with tabs[label]:
        if tabs[label].open:
            section(*PICTURE)
quiz(quizzes.FILTERS)
S.sync_url()
