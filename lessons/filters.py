"""Image filters: pick or upload a picture and see what convolution kernels respond to."""

from __future__ import annotations

import base64
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
from ui.figures.filters import (
    MapPanel,
    bank_figure,
    colourize,
    kernel_figure,
    map_scale,
    maps_figure,
    orientation_colours,
    orientation_picture,
    picture,
)
from ui.formatting import num
from ui.frame import lesson_header, quiz

P = "filters_"  # session-state prefix
ASSETS = Path(__file__).resolve().parents[1] / "assets"
SAMPLES = {
    "cat": ("Cat", "cat.jpg"),
    "coffee": ("Coffee", "coffee.jpg"),
    "astronaut": ("Astronaut", "astronaut.jpg"),
    "brick": ("Brick wall", "brick.jpg"),
}
UPLOAD_TYPES = ["png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp", "ppm", "pgm", "tga"]
WORK_SIDE = 512  # pictures are filtered at most this large: plenty to see, fast to compute
DISPLAY_SIDE = 360  # each map is sent to the browser as a JPEG at most this large
CACHE_SECONDS = 900  # cached pictures and maps (an upload's among them) are dropped after this
TABS = ("Eight classic filters", "One filter, step by step", "Gabor filters (AlexNet's conv1)")
MODES = {
    "sum": "One 3-channel filter: R, G and B responses added (one map)",
    "per_channel": "Each channel on its own (three maps)",
}
COLOUR_NOTE = (
    "Edge detectors (kernels summing to 0) give signed responses: **blue negative, white 0, "
    "vermilion positive**. Kernels summing to a positive number keep the picture's brightness "
    "and are drawn in grey, black at 0. Each map's strongest 1 % of responses get the full "
    "colour."
)
GALLERY_NOTE = (
    COLOUR_NOTE + " Each map is one output channel: the kernel's R, G and B responses added. "
    "The picture is padded with its own mirror image (not zeros) so that the maps are as large "
    "as the input without a bright frame."
)


# -- cached computations ---------------------------------------------------------------------------


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
    return MapPanel.of_map(title, source, shape, values, label)


def picture_panel(title: str, rgb: np.ndarray) -> MapPanel:
    source, shape = data_uri(rgb)
    return MapPanel(title, source, shape, rgb.shape[:2])


def input_panel(image: np.ndarray) -> MapPanel:
    return picture_panel("Input", picture(image))


@st.cache_data(show_spinner=False, max_entries=8, ttl=CACHE_SECONDS)
def preset_panels(image: np.ndarray) -> list[MapPanel]:
    """The input and the eight presets' maps ('same' padding: maps as large as the input)."""
    panels = [input_panel(image)]
    for preset in PRESETS.values():
        k = preset.kernel
        out = apply_filters(image, k, padding=k.shape[0] // 2, padding_mode="mirror")[0]
        panels.append(map_panel(preset.label, out, signed=is_signed(k)))
    return panels


@st.cache_data(show_spinner=False, max_entries=16, ttl=CACHE_SECONDS)
def filter_layer(
    image: np.ndarray, kernel: np.ndarray, mode: str, stride: int, padding: int, relu: bool,
    pool: bool,
) -> np.ndarray:  # fmt: skip
    return apply_filters(
        image, kernel, mode=mode, stride=stride, padding=padding, relu=relu,
        pool=2 if pool else None,
    )[0]  # fmt: skip


@st.cache_data(show_spinner=False, max_entries=8, ttl=CACHE_SECONDS)
def gabor_panels(
    image: np.ndarray, n: int, wavelength: float, sigma: float, phase: float, relu: bool
) -> tuple[list[MapPanel], MapPanel, np.ndarray, np.ndarray]:
    bank = gabor_bank(n, wavelength=wavelength, sigma=sigma, phase=phase)
    maps = apply_filters(
        image, bank.kernels / 3, padding=bank.kernels.shape[1] // 2, padding_mode="mirror",
        relu=relu,
    )  # fmt: skip
    top = map_scale(maps, signed=True)  # one scale for the whole bank, so the maps compare
    panels = []
    for degrees, m in zip(bank.degrees, maps, strict=True):
        source, shape = data_uri(colourize(m, signed=True, scale=top))
        panels.append(MapPanel.of_map(f"θ = {degrees:g}°", source, shape, m))
    index, strength = strongest_orientation(maps)
    colours = orientation_colours(n)
    source, shape = data_uri(orientation_picture(index, strength, colours))
    winner = MapPanel.of_map("Strongest orientation", source, shape, bank.degrees[index], "θ (°)")
    return panels, winner, bank.kernels, bank.degrees


# -- picture ---------------------------------------------------------------------------------------


def picture_controls():
    """The sample picked and the uploaded file (or None)."""
    left, right = st.columns([2, 3], gap="large")
    with left:
        sample = st.segmented_control(
            "Sample picture", list(SAMPLES), format_func=lambda s: SAMPLES[s][0],
            default="cat", required=True, key=P + "sample", bind="query-params",
        )  # fmt: skip
        st.caption("Photos from scikit-image's sample data (CC0 / public domain).")
    with right:
        limit = st.get_option("server.maxUploadSize")
        upload = st.file_uploader(
            f"Or upload your own picture (PNG, JPEG, GIF, BMP, TIFF, WebP; up to {limit} MB)",
            type=UPLOAD_TYPES, key=P + "upload",
            help="Your picture is only held in the server's memory, never written to disk; "
            "results computed from it are dropped after 15 minutes.",
        )  # fmt: skip
    return sample or "cat", upload


def load_picture() -> tuple[np.ndarray, str]:
    sample, upload = picture_controls()
    if upload is not None:
        try:
            return decode(upload.getvalue()), f"your picture “{upload.name}”"
        except ImageError as err:
            st.error(
                f"**{upload.name}** could not be used. {err}\n\nShowing the sample picture "
                "instead: remove the file (×) or upload another one.",
                icon=":material/broken_image:",
            )
    return decode(sample_bytes(sample)), f"the sample “{SAMPLES[sample][0]}”"


def image_grid(panels: list[MapPanel], *, columns: int, key: str) -> None:
    """Pictures in a grid as plain <img> elements: far quicker for the browser than plotly."""
    with st.container(key=key):
        for start in range(0, len(panels), columns):
            cols = st.columns(columns, gap="small")
            for col, panel in zip(cols, panels[start : start + columns], strict=False):
                col.image(panel.source, caption=panel.title, width="stretch")


def gallery(image: np.ndarray) -> None:
    panels = preset_panels(image)
    image_grid(panels, columns=3, key=P + "gallery")
    st.caption(GALLERY_NOTE)
    inspect = st.expander(
        "Read the numbers: one map with its values under the mouse", key=P + "inspect",
        on_change="rerun", icon=":material/pan_tool_alt:",
    )  # fmt: skip
    if inspect.open:
        with inspect:
            labels = [p.title for p in panels[1:]]
            default = labels.index("Sobel x")
            chosen = st.selectbox("Map", labels, index=default, key=P + "inspect_map")
            preset = list(PRESETS.values())[labels.index(chosen)]
            left, right = st.columns([1, 4])
            with left:
                st.plotly_chart(kernel_figure(preset.kernel, height=200), key=P + "inspect_kernel",
                                config={"displayModeBar": False})  # fmt: skip
                st.caption(f"{preset.label}: {preset.what}")
            figure = maps_figure(
                [panels[0], panels[1 + labels.index(chosen)]], columns=2, panel_width=400
            )
            right.plotly_chart(figure, key=P + "inspect_chart", config={"displayModeBar": False})


# -- one filter ------------------------------------------------------------------------------------


def _cell_key(size: int, i: int, j: int) -> str:
    return f"{P}cell_{size}_{i}_{j}"


def _fill_grid(size: int, kernel: np.ndarray) -> None:
    for i in range(size):
        for j in range(size):
            st.session_state[_cell_key(size, i, j)] = num(kernel[i, j], digits=4)


def _start_kernel(preset: str, size: int) -> np.ndarray:
    """The preset if it has this size, else the identity: something sensible to edit."""
    kernel = preset_kernel(preset)
    if kernel.shape[0] != size:
        kernel = np.zeros((size, size))
        kernel[size // 2, size // 2] = 1
    return kernel


def cell(column, i: int, j: int, size: int) -> str:
    label = f"Row {i + 1}, column {j + 1}"
    return column.text_input(label, key=_cell_key(size, i, j), label_visibility="collapsed")


def kernel_grid(preset: str) -> tuple[np.ndarray | None, list[str]]:
    """A size × size grid of text cells; any number, decimal or fraction; bad cells reported."""
    size = st.radio("Size", [3, 5], format_func=lambda s: f"{s} × {s}", horizontal=True,
                    key=P + "custom_size")  # fmt: skip
    if _cell_key(size, 0, 0) not in st.session_state:
        _fill_grid(size, _start_kernel(preset, size))
    cells = []
    for i in range(size):
        row = st.columns(size, gap="small")
        cells.append([cell(row[j], i, j, size) for j in range(size)])
    st.button(
        f"Start from the {PRESETS[preset].label} preset"
        if preset_kernel(preset).shape[0] == size else "Start from the identity",
        key=P + "reset_grid", on_click=_fill_grid, args=(size, _start_kernel(preset, size)),
    )  # fmt: skip
    return parse_kernel(cells)


def kernel_controls() -> tuple[np.ndarray | None, str]:
    """A preset or a custom kernel typed into a grid; returns (kernel or None, its name)."""
    source = st.segmented_control(
        "Kernel", ["preset", "custom"], format_func={"preset": "Preset", "custom": "Your own"}.get,
        default="preset", required=True, key=P + "source",
    )  # fmt: skip
    presets = list(PRESETS)
    preset = st.selectbox(
        "Preset", presets, index=presets.index("sobel_x"), format_func=lambda k: PRESETS[k].label,
        key=P + "preset",
    )  # fmt: skip
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
    mode = st.radio("Channels", list(MODES), format_func=MODES.get, key=P + "mode")
    stride = st.select_slider("Stride s", [1, 2, 3, 4], key=P + "stride")
    padding = st.select_slider(
        "Zero padding per side", list(range(k + 1)), value=k // 2, key=f"{P}padding_{k}",
        help="Rows and columns of zeros added on every side; the lecture's p counts both sides, "
        "so p = 2 × this.",
    )  # fmt: skip
    relu = st.toggle("ReLU: negative responses become 0", key=P + "relu")
    pool = st.toggle("2 × 2 max pooling, stride 2", key=P + "pool")
    return {"mode": mode, "stride": stride, "padding": padding, "relu": relu, "pool": pool}


def shape_formula(image: np.ndarray, kernel: np.ndarray, layer: dict) -> None:
    (n_h, n_w), (k_h, k_w) = image.shape[1:], kernel.shape
    s, p = layer["stride"], 2 * layer["padding"]
    h = output_size(n_h, k_h, stride=s, padding=layer["padding"])
    w = output_size(n_w, k_w, stride=s, padding=layer["padding"])

    def frac(n: int, k: int) -> str:
        return rf"\left\lfloor \tfrac{{{n} - {k} + {p} + {s}}}{{{s}}} \right\rfloor"

    st.latex(rf"{frac(n_h, k_h)} \times {frac(n_w, k_w)} = {h} \times {w}")
    if layer["pool"]:
        st.caption(f"Then 2 × 2 max pooling (stride 2): {h // 2} × {w // 2}.")


def one_filter(image: np.ndarray) -> None:
    left, right = st.columns([1, 2.4], gap="large")
    with left, st.container(border=True):
        kernel, name = kernel_controls()
        size = kernel.shape[0] if kernel is not None else 3
        layer = layer_controls(size)
    with right:
        if kernel is None:
            st.info("The feature map appears once every cell of your kernel is a number.")
            return
        try:
            out = filter_layer(image, kernel, **layer)
        except ValueError as err:
            st.warning(f"{err}")
            return
        top_left, top_right = st.columns([1, 2.5])
        with top_left:
            st.plotly_chart(kernel_figure(kernel, height=190), key=P + "kernel",
                            config={"displayModeBar": False})  # fmt: skip
        with top_right:
            st.markdown(f"**Output shape** {out.shape[-2]} × {out.shape[-1]}, by the lecture's "
                        "formula with p = 2 × padding:")  # fmt: skip
            shape_formula(image, kernel, layer)
        signed = is_signed(kernel)
        panels = [input_panel(image)]
        if layer["mode"] == "sum":
            panels.append(map_panel(f"{name}: R + G + B", out, signed=signed))
            download = colourize(out, signed=signed)
        else:
            for channel, values in zip("RGB", out, strict=True):
                panels.append(map_panel(f"{name} on {channel}", values, signed=signed))
            download = picture(out, signed=signed)
            panels.append(picture_panel("The three maps as one colour picture", download))
        columns = 2 if len(panels) <= 2 else 3
        st.plotly_chart(maps_figure(panels, columns=columns, panel_width=700 // columns),
                        key=P + "maps", config={"displayModeBar": False})  # fmt: skip
        st.caption(COLOUR_NOTE + " Hover over a map to read its values.")
        st.download_button(
            "Download the feature map (PNG)", encode_image(download, fmt="PNG"),
            file_name="feature-map.png", mime="image/png", key=P + "download",
            icon=":material/download:", on_click="ignore",
        )  # fmt: skip


# -- Gabor bank ------------------------------------------------------------------------------------


def gabor_controls() -> dict:
    c = st.columns(5)
    n = c[0].slider("Orientations", 2, 16, 8, key=P + "gabor_n")
    wavelength = c[1].slider("Wavelength λ (px)", 3.0, 16.0, 6.0, 0.5, key=P + "gabor_lambda")
    sigma = c[2].slider("Width σ (px)", 1.0, 5.0, 2.5, 0.5, key=P + "gabor_sigma")
    phase = c[3].radio(
        "Shape", [0.0, float(np.pi / 2)], key=P + "gabor_phase",
        format_func=lambda ph: "bars (cosine)" if ph == 0 else "edges (sine)",
    )  # fmt: skip
    relu = c[4].toggle("ReLU", key=P + "gabor_relu")
    return {"n": n, "wavelength": wavelength, "sigma": sigma, "phase": phase, "relu": relu}


def gabor_tab(image: np.ndarray) -> None:
    st.markdown(
        "AlexNet's first layer learned 96 filters of 11 × 11 × 3 weights, and many look like "
        "these: stripes under a soft round window, at every orientation. Each responds where the "
        "picture has stripes or edges at its angle and spacing."
    )
    params = gabor_controls()
    panels, winner, kernels, degrees = gabor_panels(image, **params)
    colours = orientation_colours(params["n"])
    k = kernels.shape[1]
    st.plotly_chart(bank_figure(kernels, degrees, colours, height=130 if params["n"] > 8 else 160),
                    key=P + "bank", config={"displayModeBar": False})  # fmt: skip
    st.caption(
        f"The {params['n']} filters, {k} × {k} each (2⌈2σ⌉ + 1), applied to (R + G + B)/3. "
        "Same colours as the maps: blue negative, vermilion positive weights."
    )
    image_grid(panels, columns=4, key=P + "gabor_maps")
    st.markdown("**Which orientation responds most where**")
    st.plotly_chart(maps_figure([input_panel(image), winner], columns=2, panel_width=480),
                    key=P + "winner", config={"displayModeBar": False})  # fmt: skip
    st.caption(
        "Each pixel takes the colour of the filter with the largest |response| there (the "
        "squares above the filters); it fades to white where every filter is quiet."
    )


# -- page ------------------------------------------------------------------------------------------


def main() -> None:
    lesson_header(
        "Image filters",
        "A convolution slides a small kernel over the picture; each output entry is the inner "
        "product of the kernel with the window under it, so it is large where the window looks "
        "like the kernel. **A kernel is a pattern detector.** With an RGB picture the filter has "
        "one kernel per channel and the three responses are summed into one feature map. "
        "CNNs learn their kernels: AlexNet's first layer ended up with Gabor-like stripe and "
        "edge detectors without being told to.",
        [
            r"y_{i,j} = \sum_{c=1}^{C} \sum_{u=0}^{k_h-1} \sum_{v=0}^{k_w-1} "
            r"w_{c,u,v}\, x_{c,\; i s_h + u,\; j s_w + v}",
            r"\text{output shape: } \left\lfloor \frac{n_h - k_h + p_h + s_h}{s_h} \right\rfloor "
            r"\times \left\lfloor \frac{n_w - k_w + p_w + s_w}{s_w} \right\rfloor",
        ],
    )
    image, what = load_picture()
    st.caption(
        f"Filtering {what}: {image.shape[2]} × {image.shape[1]} pixels"
        + (f" (scaled down to at most {WORK_SIDE} a side)" if max(image.shape) == WORK_SIDE else "")
        + "."
    )
    tabs = st.tabs(TABS, key=P + "view", on_change="rerun", bind="query-params")
    with tabs[0]:
        if tabs[0].open:
            gallery(image)
    with tabs[1]:
        if tabs[1].open:
            one_filter(image)
    with tabs[2]:
        if tabs[2].open:
            gabor_tab(image)
    quiz(quizzes.FILTERS)


main()
