"""ui.state additions: tabs read from links that named them by label, and choices that depend on
other settings (the entries of an output whose size the learner sets)."""

from __future__ import annotations

import time

from streamlit.testing.v1 import AppTest

from ui.state import tab


def test_a_tab_is_read_by_its_slug_and_by_its_label():
    """Streamlit's bind="query-params" wrote the label into links shared before the helper."""
    setting = tab("view", "One", ("One", "Two, step by step"))
    assert setting.read("two-step-by-step") == "Two, step by step"
    assert setting.read("Two, step by step") == "Two, step by step"
    assert setting.to_text("Two, step by step") == "two-step-by-step"
    for junk in ("three", "", "x" * 5000):
        try:
            setting.read(junk)
        except ValueError:
            continue
        raise AssertionError(f"{junk[:10]!r} was read as a tab")


def _page_with_dependent_options():
    import streamlit as st

    from ui.state import Settings, choice, integer

    S = Settings("demo", integer("size", 3, 1, 4), integer("cell", 0, 0, 15),
                 choice("pick", "b", ("a", "b", "c", "d")))  # fmt: skip
    S.init()
    size = S.slider("size", "Size")
    cell = S.select_slider("cell", "Entry", options=range(size * size))
    pick = S.selectbox("pick", "Pick", options=("a", "b", "c", "d")[:size])
    st.markdown(f"cell {cell}, pick {pick}")
    S.sync_url()


def test_options_that_depend_on_other_settings_clamp_the_value():
    at = AppTest.from_function(_page_with_dependent_options).run()
    assert at.markdown[0].value == "cell 0, pick b"
    at.select_slider(key="demo_cell").set_value(8).run()
    at.selectbox(key="demo_pick").set_value("c").run()
    assert at.markdown[0].value == "cell 8, pick c"
    at.slider(key="demo_size").set_value(2).run()  # 4 entries, choices a and b
    assert at.markdown[0].value == "cell 3, pick a"  # the nearest entry; the first choice
    assert not at.exception
    assert at.query_params["demo_cell"] == "3"

    linked = AppTest.from_function(_page_with_dependent_options)
    linked.query_params.update({"demo_size": "2", "demo_cell": "15"})
    linked.run()
    assert linked.markdown[0].value == "cell 3, pick b" and not linked.exception


def _page_with_a_short_lived_chart():
    from ui.charts import chart, show

    @chart(max_entries=4, ttl=0.05)
    def tiny(n: int):
        return {"data": [{"type": "scatter", "x": [0, n], "y": [0, n]}], "layout": {}}

    show(tiny(2), key="tiny")


def test_a_chart_with_a_ttl_is_built_again_after_it(chart_log):
    """For charts drawn from an upload: the page promises not to keep them."""
    at = AppTest.from_function(_page_with_a_short_lived_chart).run()
    at.run()
    assert chart_log.built == ["tiny"]  # the second run used the cached chart
    time.sleep(0.2)
    at.run()
    assert chart_log.built == ["tiny", "tiny"] and not at.exception
