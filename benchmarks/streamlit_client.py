"""A headless Streamlit client: what the browser's frontend says on /_stcore/stream, in Python.

A virtual learner for the load benchmark and the import-race test. It speaks Streamlit's own
protocol (protobuf `BackMsg` up, `ForwardMsg` down, one message per binary websocket frame) the
way the frontend does, so a server cannot tell it from a browser:

1. `GET /<page>`, then `GET /_stcore/health` as the frontend does: behind a load balancer the
   first answer sets the affinity cookie that sends everything after to the same replica, and
   the health answer sets the XSRF cookie; every later request carries the cookies.
2. The websocket to `/_stcore/stream` offers the subprotocols `streamlit, <xsrf token>` (the
   frontend smuggles the token in that header) and sends `rerun_script` with the page's name
   and query string, then a `rerun_script` per interaction.
3. Widgets are learned from the element deltas, never hard-coded: their ids, kinds, ranges,
   options and current values. Like the frontend, every rerun carries the state of every widget
   on the page; a widget inside an `st.fragment` (its delta carries `fragment_id`) reruns with
   that fragment id; `auto_rerun` (an `st.fragment(run_every=...)` timer) is honoured.

Not a test and not a benchmark by itself: `benchmarks/load.py` and `tests/e2e/test_import_race.py`
drive it.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

FINISHED = ForwardMsg.ScriptFinishedStatus
# Element kinds a learner can move, and the field of WidgetState each one reports its value in.
MOVABLE = ("slider", "selectbox", "radio", "checkbox", "number_input", "button_group", "button")


@dataclass
class Widget:
    """One widget as the frontend knows it: where it came from and its current value."""

    id: str
    kind: str
    label: str
    fragment_id: str
    proto: object  # the element's protobuf (Slider, Selectbox, ...)
    state: WidgetState
    path: tuple[int, ...] = ()  # where the page draws it (the delta path)

    def move(self, rng: random.Random) -> WidgetState | None:
        """A new value a learner could pick, as a WidgetState; None if there is nothing to pick."""
        p = self.proto
        new = WidgetState(id=self.id)
        if self.kind == "button":
            new.trigger_value = True
        elif self.kind == "checkbox":
            new.bool_value = not self.state.bool_value
        elif self.kind in ("selectbox", "radio"):
            if len(p.options) < 2:
                return None
            new.string_value = rng.choice(list(p.options))
        elif self.kind == "button_group":
            if len(p.options) < 2 or p.click_mode != 0:  # single select only
                return None
            new.string_array_value.data.append(rng.choice([o.content for o in p.options]))
        elif self.kind == "slider" and p.options:  # select_slider: formatted option strings
            n = len(self.state.string_array_value.data) or 1
            picks = sorted(rng.sample(range(len(p.options)), min(n, len(p.options))))
            new.string_array_value.data.extend(p.options[i] for i in picks)
        elif self.kind == "slider":
            if p.data_type not in (Slider.INT, Slider.FLOAT) or p.max <= p.min:
                return None
            steps = max(1, round((p.max - p.min) / (p.step or 1)))
            n = len(self.state.double_array_value.data) or 1
            values = sorted(p.min + (p.step or 1) * rng.randint(0, steps) for _ in range(n))
            new.double_array_value.data.extend(min(p.max, v) for v in values)
        elif self.kind == "number_input":
            step = p.step or 1
            low = p.min if p.has_min else self.state.double_value - 5 * step
            high = p.max if p.has_max else self.state.double_value + 5 * step
            value = low + step * rng.randint(0, max(0, int((high - low) / step)))
            if p.data_type == NumberInput.INT:
                new.int_value = round(value)
            else:
                new.double_value = value
        else:
            return None
        return new


def _initial_state(kind: str, p) -> WidgetState | None:
    """The value the frontend reports for a widget it has just drawn (or was told to set)."""
    state = WidgetState(id=p.id)
    if kind == "button":
        return None  # a trigger: sent once, when pressed
    if kind == "checkbox":
        state.bool_value = p.value if p.set_value else p.default
    elif kind in ("selectbox", "radio"):
        if p.set_value and p.HasField("raw_value"):
            state.string_value = p.raw_value
        elif p.HasField("default") and 0 <= p.default < len(p.options):
            state.string_value = p.options[p.default]
        else:
            return None
    elif kind == "button_group":
        values = (
            list(p.raw_values)
            if p.set_value
            else [p.options[i].content for i in p.default if i < len(p.options)]
        )
        state.string_array_value.data.extend(values)
    elif kind == "slider" and p.options:
        indices = p.value if p.set_value else p.default
        state.string_array_value.data.extend(p.options[int(i)] for i in indices)
    elif kind == "slider":
        state.double_array_value.data.extend(p.value if p.set_value else p.default)
    elif kind == "number_input":
        value = p.value if p.set_value else p.default
        if p.data_type == NumberInput.INT:
            state.int_value = round(value)
        else:
            state.double_value = value
    else:
        return None
    return state


@dataclass
class RunResult:
    """One script run as the learner saw it."""

    page: str
    seconds: float
    status: str  # "ok", "exception", "timeout", "closed"
    exceptions: list[str] = field(default_factory=list)
    fragment: bool = False
    action: str = ""  # what the learner did ("moved 'Stride'"), for the error report


class Learner:
    """One browser tab: an HTTP cookie jar, a websocket, the page's widgets."""

    def __init__(self, base_url: str, *, seed: int = 0, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.rng = random.Random(seed)
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.ws = None
        self.pages: dict[str, str] = {}  # url path ("" for the home page) -> page_script_hash
        self.page = ""
        self.page_hash = ""
        self.query = ""  # the URL's query string, as the server last set it
        self.widgets: dict[str, Widget] = {}
        self.timers: dict[str, float] = {}  # fragment id -> auto-rerun interval (s)
        self._messages: asyncio.Queue[ForwardMsg] = asyncio.Queue()
        self._reader: asyncio.Task | None = None
        self._seen: set[str] = set()  # widget ids drawn during the current run
        self._run_fragments: set[str] = set()  # fragment ids of the current run's deltas
        self._nested: dict[str, set[str]] = {}  # fragment id -> fragments drawn inside it
        self._run_blocks: dict[str, set[tuple[int, ...]]] = {}  # fragment -> blocks it drew in
        self._exceptions: list[str] = []

    # -- connection ----------------------------------------------------------------------

    def _http_get(self, path: str) -> None:
        request = urllib.request.Request(self.base_url + path)
        if self.cookies:
            request.add_header("Cookie", self._cookie_header())
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(header)
                self.cookies.update({name: morsel.value for name, morsel in jar.items()})

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    async def open(self, page: str = "", query: str = "") -> RunResult:
        """Load the page over HTTP (cookies), open the websocket, run the page's script once."""
        await self.connect(page, query)
        return await self.first_run()

    async def first_run(self) -> RunResult:
        """What the frontend sends once connected: run the page named in the URL."""
        return await self.rerun(page_name=self.page, query=self.query)

    async def connect(self, page: str = "", query: str = "") -> None:
        """Load the page over HTTP (cookies) and open the websocket; no script runs yet."""
        await asyncio.to_thread(self._http_get, f"/{page}" + (f"?{query}" if query else ""))
        await asyncio.to_thread(self._http_get, "/_stcore/health")  # the frontend's first call
        ws_url = self.base_url.replace("http", "ws", 1) + "/_stcore/stream"
        xsrf = urllib.parse.unquote(self.cookies.get("_streamlit_xsrf", ""))
        self.ws = await connect(
            ws_url,
            subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],
            additional_headers={"Cookie": self._cookie_header()},
            origin=self.base_url,
            max_size=None,
            ping_interval=None,  # the frontend sends no pings either
            open_timeout=self.timeout,
        )
        self._reader = asyncio.create_task(self._read())
        self.page, self.query = page, query

    @property
    def connected(self) -> bool:
        return self.ws is not None and self._reader is not None and not self._reader.done()

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(frame)
                self._messages.put_nowait(msg)
        except ConnectionClosed:
            pass  # the server went away: the waiting run reports "closed"
        finally:
            self._messages.put_nowait(None)  # tells a waiting run the connection is gone

    # -- script runs ---------------------------------------------------------------------

    def _states(self, changed: WidgetState | None) -> list[WidgetState]:
        states = {w.id: w.state for w in self.widgets.values() if w.state is not None}
        if changed is not None:
            states[changed.id] = changed
        return list(states.values())

    async def rerun(
        self,
        *,
        page_name: str = "",
        page_hash: str = "",
        query: str = "",
        changed: WidgetState | None = None,
        fragment_id: str = "",
        auto: bool = False,
    ) -> RunResult:
        """Send one rerun_script and read until its script_finished; returns what it took."""
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = query or self.query
        cs.page_script_hash = page_hash
        cs.page_name = page_name
        cs.fragment_id = fragment_id
        cs.is_auto_rerun = auto
        cs.widget_states.widgets.extend(self._states(changed))
        if changed is not None and changed.WhichOneof("value") != "trigger_value":
            self.widgets[changed.id].state = changed  # the frontend shows what the learner set
        while not self._messages.empty():  # what came after the last run (a late finish...)
            late = self._messages.get_nowait()
            if late is None:
                return RunResult(self.page, 0.0, "closed", fragment=bool(fragment_id))
            self._handle(late)
        self._seen = set()
        self._run_fragments = set()
        self._run_blocks = {}
        self._exceptions = []
        start = time.perf_counter()
        try:
            await self.ws.send(msg.SerializeToString())
        except ConnectionClosed:
            return RunResult(self.page, 0.0, "closed", fragment=bool(fragment_id))
        status = "timeout"
        deadline = start + self.timeout
        while True:
            try:
                fwd = await asyncio.wait_for(
                    self._messages.get(), max(0.01, deadline - time.perf_counter())
                )
            except TimeoutError:
                break
            if fwd is None:
                status = "closed"
                break
            finished = self._handle(fwd)
            if finished is None:
                continue
            if finished == FINISHED.FINISHED_EARLY_FOR_RERUN:
                continue  # a timer's rerun was overtaken by ours (or the reverse): keep reading
            status = "exception" if self._exceptions else "ok"
            self._forget_unseen(fragment_id)
            break
        return RunResult(
            self.page,
            time.perf_counter() - start,
            status,
            list(self._exceptions),
            fragment=bool(fragment_id),
        )

    def _handle(self, fwd: ForwardMsg):
        kind = fwd.WhichOneof("type")
        if kind == "delta":
            self._on_delta(fwd.delta, tuple(fwd.metadata.delta_path))
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages}
            self.page_hash = fwd.navigation.page_script_hash
            by_hash = {h: path for path, h in self.pages.items()}
            self.page = by_hash.get(self.page_hash, self.page)
        elif kind == "page_info_changed":
            self.query = fwd.page_info_changed.query_string
        elif kind == "auto_rerun":
            self.timers[fwd.auto_rerun.fragment_id] = fwd.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            self.timers.clear()
        elif kind == "new_session":
            self.timers.clear()  # a full run starts: timers are declared again if still on
        elif kind == "script_finished":
            return fwd.script_finished
        return None

    def _on_delta(self, delta, path: tuple[int, ...] = ()) -> None:
        if delta.fragment_id:
            self._run_fragments.add(delta.fragment_id)
            self._run_blocks.setdefault(delta.fragment_id, set()).add(path[:-1])
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            e = element.exception
            self._exceptions.append(f"{e.type}: {e.message}"[:300])
            return
        if kind not in MOVABLE:
            return
        p = getattr(element, kind)
        if p.form_id or p.disabled:
            self.widgets.pop(p.id, None)
            return
        self._seen.add(p.id)
        known = self.widgets.get(p.id)
        state = _initial_state(kind, p)
        if known is None or getattr(p, "set_value", False) or known.state is None:
            known = Widget(p.id, kind, p.label, delta.fragment_id, p, state)
            self.widgets[p.id] = known
        else:  # the frontend keeps the learner's value; the element may bring new ranges
            known.proto, known.fragment_id, known.label = p, delta.fragment_id, p.label
        known.path = path

    def _forget_unseen(self, fragment_id: str) -> None:
        """Like the frontend: widgets the run did not draw are gone: this fragment's, and those
        of the fragments it drew inside itself in earlier runs (a tab's section that is not
        drawn now); a click on one of those would name a fragment the server no longer has."""
        scope = None
        blocks = self._run_blocks.get(fragment_id, set())
        top = min(blocks, key=len) if blocks else None  # the block the fragment draws into
        if fragment_id:
            self._nested.setdefault(fragment_id, set()).update(self._run_fragments - {fragment_id})
            scope, todo = set(), [fragment_id]
            while todo:
                f = todo.pop()
                if f not in scope:
                    scope.add(f)
                    todo.extend(self._nested.get(f, ()))
        for wid, widget in list(self.widgets.items()):
            inside = top is not None and widget.path[: len(top)] == top
            if wid not in self._seen and (scope is None or widget.fragment_id in scope or inside):
                del self.widgets[wid]

    # -- what a learner does ---------------------------------------------------------------

    async def go_to(self, url_path: str) -> RunResult:
        """Click a page in the navigation (the frontend sends that page's script hash)."""
        self.widgets.clear()
        self.timers.clear()
        self.page = url_path
        self.query = ""
        return await self.rerun(page_hash=self.pages.get(url_path, ""), page_name=url_path)

    def movable(self, skip_labels: tuple[str, ...] = ()) -> list[Widget]:
        return [
            w
            for w in self.widgets.values()
            if not any(s.lower() in w.label.lower() for s in skip_labels)
        ]

    async def move_widget(self, widget: Widget) -> RunResult | None:
        changed = widget.move(self.rng)
        if changed is None:
            return None
        result = await self.rerun(
            page_hash=self.page_hash, changed=changed, fragment_id=widget.fragment_id
        )
        result.action = f"{widget.kind} {widget.label!r}"
        return result

    async def timer_tick(self, fragment_id: str) -> RunResult:
        return await self.rerun(page_hash=self.page_hash, fragment_id=fragment_id, auto=True)
