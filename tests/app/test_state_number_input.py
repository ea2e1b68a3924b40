"""ui.state: the widget helpers' contract, tested on small pages."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _number_page():
    from ui.state import Settings, number

    S = Settings("demo", number("x", 1.0, -10.0, 10.0, step=0.01))
    S.init()
    S.number_input("x", "x", step=0.5)
    S.sync_url()


def test_a_number_input_may_step_coarser_than_its_grid():
    """The +/− buttons move by the widget's step (0.5); a typed value on the finer declared grid
    (0.01) is kept as it is, reaches the URL, and comes back from it."""
    at = AppTest.from_function(_number_page).run()
    box = at.number_input(key="demo_x")
    assert box.step == 0.5
    box.increment().run()
    assert at.session_state["demo_x"] == 1.5
    at.number_input(key="demo_x").set_value(-2.37).run()
    assert at.session_state["demo_x"] == -2.37
    at.run()  # a later run keeps it: it is a valid value of the setting
    assert at.session_state["demo_x"] == -2.37 and at.query_params["demo_x"] == "-2.37"
    shared = AppTest.from_function(_number_page)
    shared.query_params["demo_x"] = "-2.37"
    shared.run()
    assert shared.number_input(key="demo_x").value == -2.37


def test_without_a_step_the_declared_grid_steps_the_buttons():
    def page():
        from ui.state import Settings, integer

        S = Settings("demo", integer("n", 3, 0, 9))
        S.init()
        S.number_input("n", "n")

    at = AppTest.from_function(page).run()
    assert at.number_input(key="demo_n").step == 1
    at.number_input(key="demo_n").increment().run()
    assert at.session_state["demo_n"] == 4
