"""One way for every lesson to keep its settings: declared once, read from a shared link, kept in
the URL, given to the widgets.

A lesson lists its settings once, with their defaults and what values are valid::

    S = Settings(
        "sgd",
        choice("lr", 0.5, LR_CHOICES),
        integer("epochs", 5, 1, 30),
        number("w1", -4.0, -5.0, 5.0, step=0.5),
        tab("tab", "Descent", ("Descent", "Batches")),
    )
    S.init()                       # top of the page: session, else the link, else the default
    lr = S.select_slider("lr", "Learning rate α")
    ...
    S.sync_url()                   # end of the page and of every fragment

The session state key of a setting is its URL parameter (``sgd_lr``). A value in the link that is
not valid (a word for a number, inf, nan, 1e999, out of range, not one of the choices, thousands of
characters) gives the default and a note to the learner, never an exception: the link is cleaned
before any widget reads it. The URL holds exactly the settings that differ from their defaults, so
a shared link is short and a default page is bare.

Widgets are made by the helper (``S.slider``, ``S.selectbox``, ...) so that their range comes from
the one declaration and their value survives a visit to another lesson (``persist_state``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

MAX_URL_TEXT = 400  # longer values in a link are junk by definition (a hand-pasted essay)


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default, and how it is read from and written to the URL.

    ``parse`` turns URL text into a valid value or raises ValueError; ``to_text`` is its inverse.
    """

    name: str
    default: Any
    parse: Callable[[str], Any]
    to_text: Callable[[Any], str]
    options: tuple = ()  # the choices, for choice-like settings
    low: float | None = None
    high: float | None = None
    step: float | None = None
    aliases: tuple[str, ...] = ()  # older URL names still read from links shared earlier
    # A default that follows other settings (e.g. "all epochs"): given the Settings, the value.
    default_from: Callable[[Settings], Any] | None = None
    max_text: int = MAX_URL_TEXT  # longer URL text is junk (a custom codec may need more)

    def read(self, text: str) -> Any:
        if len(text) > self.max_text:
            raise ValueError("too long")
        return self.parse(text)

    def valid(self, value: Any) -> bool:
        try:
            return self.read(self.to_text(value)) == value
        except (ValueError, TypeError, OverflowError):
            return False


def _float_text(value: float) -> str:
    return f"{value:.10g}"


def _finite(text: str) -> float:
    value = float(text.strip())
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def choice(
    name: str,
    default: Any,
    options: Sequence[Any],
    *,
    to_text: Callable[[Any], str] | None = None,
    aliases: tuple[str, ...] = (),
    old_texts: Mapping[str, Any] | None = None,
    default_from: Callable[[Settings], Any] | None = None,
) -> Setting:
    """One of ``options`` (strings, ints or floats); in the URL as its text.

    ``old_texts`` maps other texts to options: how links shared before this helper wrote them
    (a widget bound to the URL wrote its displayed label, "class 2" or "ReLU"). They are read,
    never written. ``default_from`` makes the default follow other settings (it must return one
    of the options)."""
    options = tuple(options)
    if default not in options:
        raise ValueError(f"{name}: default {default!r} is not one of the options")
    fmt = to_text or (lambda v: _float_text(v) if isinstance(v, float) else str(v))
    by_text = {text.strip(): option for text, option in (old_texts or {}).items()}
    if any(option not in options for option in by_text.values()):
        raise ValueError(f"{name}: an old text names a value that is not one of the options")
    by_text |= {fmt(option): option for option in options}

    def parse(text: str) -> Any:
        text = text.strip()
        if text in by_text:
            return by_text[text]
        # A number written another way (0.50 for 0.5, 1e-3 for 0.001) is still that number.
        numbers = {o: o for o in options if isinstance(o, int | float) and not isinstance(o, bool)}
        if numbers:
            value = _finite(text)
            for option in numbers:
                if math.isclose(value, option, rel_tol=1e-9, abs_tol=1e-12):
                    return option
        raise ValueError(f"{text!r} is not one of the choices")

    return Setting(
        name, default, parse, fmt, options=options, aliases=aliases, default_from=default_from
    )


def tab(
    name: str, default: str, labels: Sequence[str], *, aliases: tuple[str, ...] = ()
) -> Setting:
    """The open tab, by label; in the URL as a short slug ("one-neuron"). The label itself, as
    links made with ``st.tabs(bind="query-params")`` wrote it, is read too."""
    return choice(
        name,
        default,
        labels,
        to_text=slug,
        aliases=aliases,
        old_texts={label: label for label in labels},
    )


def slug(label: str) -> str:
    """'Train it, step by step' -> 'train-it-step-by-step' (ASCII letters and digits only)."""
    words = re.findall(r"[a-z0-9]+", label.lower())
    return "-".join(words) or "tab"


def integer(
    name: str,
    default: int,
    low: int,
    high: int,
    *,
    aliases: tuple[str, ...] = (),
    default_from: Callable[[Settings], int] | None = None,
) -> Setting:
    """An integer in [low, high]; ``default_from`` makes the default follow other settings."""

    def parse(text: str) -> int:
        text = text.strip()
        if not re.fullmatch(r"[+-]?\d{1,18}", text):
            raise ValueError(f"{text!r} is not a whole number")
        value = int(text)
        if not low <= value <= high:
            raise ValueError(f"{value} is outside {low}..{high}")
        return value

    return Setting(
        name,
        default,
        parse,
        str,
        low=low,
        high=high,
        step=1,
        aliases=aliases,
        default_from=default_from,
    )


def number(
    name: str,
    default: float,
    low: float,
    high: float,
    *,
    step: float,
    aliases: tuple[str, ...] = (),
    default_from: Callable[[Settings], float] | None = None,
    snap: bool = True,
) -> Setting:
    """A float in [low, high] on the grid low + k·step (a link between two steps snaps).

    ``default_from`` makes the default follow other settings (read in declaration order).
    ``snap=False``: any value in [low, high], kept to 10 significant digits (what the URL
    holds), for settings a learner types (a number input) or a button sets exactly (scores
    whose softmax is 0.8); ``step`` is then only the widget's step. Use ``exact`` to store
    such a value."""
    decimals = max(0, -math.floor(math.log10(step)) + 2)

    def parse(text: str) -> float:
        value = _finite(text)
        if not snap:
            value = exact(value)
            if not low <= value <= high:
                raise ValueError(f"{value} is outside {low}..{high}")
            return value
        if not low - step / 2 <= value <= high + step / 2:
            raise ValueError(f"{value} is outside {low}..{high}")
        snapped = round(low + round((value - low) / step) * step, decimals)
        return float(min(max(snapped, low), high))

    return Setting(
        name,
        float(default),
        parse,
        _float_text,
        low=low,
        high=high,
        step=step,
        aliases=aliases,
        default_from=default_from,
    )


def exact(value: float) -> float:
    """``value`` as an unsnapped ``number`` setting stores it: 10 significant digits, so that
    the URL text reads back as the same float."""
    return float(_float_text(float(value)))


def flag(name: str, default: bool) -> Setting:
    """On or off; in the URL as 1 or 0."""
    words = {"1": True, "true": True, "on": True, "0": False, "false": False, "off": False}

    def parse(text: str) -> bool:
        try:
            return words[text.strip().lower()]
        except KeyError:
            raise ValueError(f"{text!r} is not on or off") from None

    return Setting(name, bool(default), parse, lambda v: "1" if v else "0")


def int_list(
    name: str,
    default: Sequence[int],
    *,
    low: int,
    high: int,
    max_len: int,
    aliases: tuple[str, ...] = (),
    default_from: Callable[[Settings], tuple[int, ...]] | None = None,
) -> Setting:
    """A short list of integers, "8,8" in the URL, "none" for the empty list; stored as a tuple.

    ``default_from`` makes the default follow other settings (it must return a tuple). An empty
    value ("hidden=") is junk, not the empty list: a link we write says "none"."""

    def parse(text: str) -> tuple[int, ...]:
        text = text.strip()
        if text == "none":
            return ()
        parts = text.split(",")
        if len(parts) > max_len:
            raise ValueError(f"more than {max_len} values")
        one = integer(name, low, low, high)
        return tuple(one.read(p) for p in parts)

    return Setting(
        name,
        tuple(default),
        parse,
        lambda v: ",".join(map(str, v)) or "none",
        low=low,
        high=high,
        aliases=aliases,
        default_from=default_from,
    )


def custom(
    name: str,
    default: Any,
    parse: Callable[[str], Any],
    to_text: Callable[[Any], str],
    *,
    aliases: tuple[str, ...] = (),
    default_from: Callable[[Settings], Any] | None = None,
    max_text: int = MAX_URL_TEXT,
) -> Setting:
    """Anything else with its own codec (``parse`` must raise ValueError on junk).

    ``max_text``: the longest URL text read (longer is junk without being parsed); raise it for
    a value that is data, such as points a learner clicked, and cap what ``parse`` accepts."""
    return Setting(
        name,
        default,
        parse,
        to_text,
        aliases=aliases,
        default_from=default_from,
        max_text=max_text,
    )


class Settings:
    """A lesson's settings under one prefix: session state keys and URL parameters."""

    def __init__(
        self,
        prefix: str,
        *settings: Setting,
        legacy: dict[str, Callable[[str], dict[str, str]]] | None = None,
    ) -> None:
        """``legacy`` reads links shared before a setting was renamed or split: an old URL
        parameter -> a function from its text to {setting name: URL text} (ValueError on junk).
        """
        self.prefix = prefix
        self.legacy = dict(legacy or {})
        self.items = {}
        for setting in settings:
            if setting.name in self.items:
                raise ValueError(f"{prefix}: setting {setting.name!r} declared twice")
            self.items[setting.name] = setting

    # -- names ------------------------------------------------------------------------------

    def key(self, name: str) -> str:
        """The session state key (and URL parameter) of a setting or of any other widget."""
        return f"{self.prefix}_{name}"

    @property
    def _junk_key(self) -> str:
        return f"{self.prefix}__junk"

    # -- values -----------------------------------------------------------------------------

    def __getitem__(self, name: str) -> Any:
        return st.session_state[self.key(name)]

    def __setitem__(self, name: str, value: Any) -> None:
        setting = self.items[name]
        if not setting.valid(value):
            raise ValueError(f"{self.key(name)}: {value!r} is not a valid value")
        st.session_state[self.key(name)] = value

    def values(self) -> dict[str, Any]:
        return {name: self[name] for name in self.items}

    def default(self, name: str) -> Any:
        setting = self.items[name]
        if setting.default_from is not None:
            return setting.default_from(self)
        return setting.default

    def reset(self, *names: str) -> None:
        """Back to the defaults (all settings when no name is given); for on_click callbacks."""
        for name in names or tuple(self.items):
            st.session_state[self.key(name)] = self.default(name)

    def init(self) -> None:
        """Give every setting a value before any widget is drawn: the session's own if it has
        one, else the link's if it is valid, else the default. Junk in the link is noted for
        ``notice``. Call at the top of every full run of the page."""
        state = st.session_state
        params = {k: st.query_params.get(k, "") for k in st.query_params}
        junk = []
        for old, translate in self.legacy.items():
            if old not in params:
                continue
            try:
                translated = translate(params[old][:MAX_URL_TEXT])
            except (ValueError, TypeError, OverflowError):
                junk.append(old)
                continue
            for name, text in translated.items():
                params.setdefault(self.key(name), text)
        for name, setting in self.items.items():
            key = self.key(name)
            if key in state and setting.valid(state[key]):
                continue
            value = self.default(name)
            for url_name in (key, *setting.aliases):
                if url_name not in params:
                    continue
                text = params[url_name]
                try:
                    value = setting.read(text)
                except (ValueError, TypeError, OverflowError):
                    junk.append(url_name)
                break
            state[key] = value
        if junk:
            state[self._junk_key] = junk

    def notice(self) -> None:
        """Tell the learner once which parts of their link could not be used."""
        junk = st.session_state.pop(self._junk_key, None)
        if junk:
            st.info(
                "Part of this link could not be read ("
                + ", ".join(f"`{name}`" for name in junk)
                + "): those settings start at their defaults. Everything else is as shared.",
                icon=":material/link_off:",
            )

    def url_params(self) -> dict[str, str]:
        """The settings that differ from their defaults, as URL text."""
        out = {}
        for name, setting in self.items.items():
            default = self.default(name)
            value = st.session_state.get(self.key(name), default)
            if value != default:
                out[self.key(name)] = setting.to_text(value)
        return out

    def sync_url(self) -> None:
        """Make the address bar hold exactly this lesson's non-default settings."""
        wanted = self.url_params()
        current = {k: st.query_params.get(k) for k in st.query_params}
        if current != wanted:
            st.query_params.from_dict(wanted)

    # -- widgets: range and choices from the declaration ------------------------------------

    def _common(self, name: str, kwargs: dict) -> dict:
        if name not in self.items:
            raise KeyError(f"{self.prefix}: no setting named {name!r}")
        return {"key": self.key(name), "persist_state": "session", **kwargs}

    def slider(
        self,
        name: str,
        label: str,
        *,
        low: float | None = None,
        high: float | None = None,
        **kwargs: Any,
    ) -> Any:
        """A slider over the declared range, or a narrower one (``low``/``high``) that depends
        on other settings; a value outside it is brought inside first, never an error."""
        s = self.items[name]
        kind = type(s.default)  # int or float: Streamlit wants one type for all the numbers
        low = kind(s.low if low is None else low)
        high = kind(s.high if high is None else high)
        key = self.key(name)
        if key in st.session_state:
            inside = kind(min(max(st.session_state[key], low), high))
            # Only when it moves: a value written from the script is pushed to the browser and
            # replaces the slider's own, newer value while a learner is still pressing keys.
            if inside != st.session_state[key] or type(st.session_state[key]) is not kind:
                st.session_state[key] = inside
        return st.slider(label, low, high, step=kind(s.step), **self._common(name, kwargs))

    def _options(self, name: str, options: Sequence[Any] | None) -> tuple:
        """The declared choices, or ``options`` that depend on other settings (a 3 × 3 output
        has 9 entries to pick from): a value outside them becomes the nearest one (a number)
        or the first one, never an error."""
        if options is None:
            return self.items[name].options
        options = tuple(options)
        key = self.key(name)
        value = st.session_state.get(key)
        if options and value not in options:
            numbers = all(isinstance(o, int | float) for o in options)
            if numbers and isinstance(value, int | float):
                st.session_state[key] = min(options, key=lambda o: abs(o - value))
            else:
                st.session_state[key] = options[0]
        return options

    def select_slider(
        self, name: str, label: str, *, options: Sequence[Any] | None = None, **kwargs: Any
    ) -> Any:
        options = self._options(name, options)
        return st.select_slider(label, options, **self._common(name, kwargs))

    def selectbox(
        self, name: str, label: str, *, options: Sequence[Any] | None = None, **kwargs: Any
    ) -> Any:
        options = self._options(name, options)
        return st.selectbox(label, options, **self._common(name, kwargs))

    def radio(self, name: str, label: str, **kwargs: Any) -> Any:
        return st.radio(label, self.items[name].options, **self._common(name, kwargs))

    def segmented_control(
        self, name: str, label: str, *, options: Sequence[Any] | None = None, **kwargs: Any
    ) -> Any:
        """Buttons for the declared options, or for fewer of them (``options``) when which are
        valid depends on other settings; a value outside them is brought inside first (the
        nearest number, else the first option), never an error."""
        kwargs.setdefault("required", True)
        shown = self._within(name, options)
        return st.segmented_control(label, shown, **self._common(name, kwargs))

    def _within(self, name: str, options: Sequence[Any] | None) -> tuple:
        declared = self.items[name].options
        if options is None:
            return declared
        shown = tuple(options)
        if not shown or any(o not in declared for o in shown):
            raise ValueError(f"{self.key(name)}: {shown!r} is not a subset of the options")
        key = self.key(name)
        value = st.session_state.get(key)
        if key in st.session_state and value not in shown:
            numbers = all(isinstance(o, int | float) for o in (*shown, value))
            st.session_state[key] = (
                min(shown, key=lambda o: abs(o - value)) if numbers else shown[0]
            )
        return shown

    def number_input(
        self, name: str, label: str, *, step: float | None = None, **kwargs: Any
    ) -> Any:
        """A number input over the declared range. ``step`` (the +/− buttons) may be coarser
        than the declared grid, so that a typed value between two clicks is kept."""
        s = self.items[name]
        low, high = s.low, s.high
        if s.step == 1:
            low, high = int(low), int(high)
        step = s.step if step is None else type(s.default)(step)
        return st.number_input(label, low, high, step=step, **self._common(name, kwargs))

    def toggle(self, name: str, label: str, **kwargs: Any) -> bool:
        return st.toggle(label, **self._common(name, kwargs))

    def checkbox(self, name: str, label: str, **kwargs: Any) -> bool:
        return st.checkbox(label, **self._common(name, kwargs))

    def tabs(self, name: str) -> dict[str, Any]:
        """The lesson's tabs, stateful: the open one is a setting (in the URL), and only its
        content needs to run (``container.open``). Returns {label: container}."""
        labels = self.items[name].options
        # No default=: the value is already in the session (init), and a default that changes
        # with the open tab would change the widget's identity and remount every tab's content.
        containers = st.tabs(list(labels), key=self.key(name), on_change="rerun")
        return dict(zip(labels, containers, strict=True))
