"""One validation path: a scenario built in Python is checked exactly as one read from TOML
(issue 12, item 7)."""

import math
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import model
from model.core.errors import UserError
from model.inputs.registry import default_params
from model.inputs.scenario import Scenario, load_scenario

QUARTERS = [f"{y}Q{q}" for y in range(2019, 2027) for q in range(1, 5)]
AMOUNTS = st.one_of(st.floats(min_value=0, max_value=500), st.sampled_from([-1.0, 0.0, 1e5, 1e300, math.inf, math.nan]),
                    st.integers(min_value=0, max_value=300), st.booleans(), st.just("160"))
PATHS = st.dictionaries(st.sampled_from(QUARTERS), AMOUNTS, max_size=3)

SCENARIOS = st.fixed_dictionaries(
    {"name": st.sampled_from(["plan", "a-b_1", "../escape", ""])},
    optional={
        "horizon": st.sampled_from(["2021Q4", "2020Q4", "2020Q3", "2026Q1", "2021q2", "later"]),
        "description": st.text(max_size=10),
        "parameters": st.dictionaries(
            st.sampled_from(["relief_multiplier", "projects_multiplier", "relief_multplier"]),
            st.one_of(st.floats(min_value=-1, max_value=3), st.booleans(), st.just(math.nan)), max_size=2),
        "levers": st.fixed_dictionaries({}, optional={
            "tax_fee_relief": st.fixed_dictionaries({"amount": PATHS}),
            "consumption_events": st.fixed_dictionaries(
                {}, optional={"events": PATHS, "subsidy_per_event": AMOUNTS, "subsidy": PATHS}),
            "major_projects": st.fixed_dictionaries(
                {}, optional={"total": AMOUNTS, "start": st.sampled_from(QUARTERS),
                              "profile": st.sampled_from(["flat", "ramp", "steep"])}),
        }),
        "shocks": st.dictionaries(st.sampled_from(["wave"]), st.fixed_dictionaries(
            {"start": st.sampled_from(QUARTERS), "depth": st.floats(min_value=-60, max_value=70)}), max_size=1),
    },
)


def _outcome(make) -> tuple[str, object]:
    try:
        sc = make()
    except UserError as exc:
        return "refused", (exc.key, exc.detail)
    return "accepted", sc.digest


@pytest.mark.slow
@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=SCENARIOS)
def test_python_and_toml_accept_and_refuse_the_same_scenarios(tmp_path, data):
    path = tmp_path / "s.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    in_python = _outcome(lambda: Scenario(**data))  # anything but a UserError fails the test
    from_toml = _outcome(lambda: load_scenario(path))
    assert in_python == from_toml


def test_a_python_scenario_with_a_lever_in_published_history_is_refused():
    with pytest.raises(UserError) as info:
        Scenario(name="x", levers={"tax_fee_relief": {"amount": {"2019Q1": 5.0}}})
    assert str(info.value) == ("levers.tax_fee_relief.amount.2019Q1: 2019Q1 is outside the scenario window "
                               "2020Q3 to the horizon 2021Q4 (history as of the H1 2020 release, --as-of 2020Q2)")


def test_a_python_scenario_with_a_wrong_type_names_the_key():
    with pytest.raises(UserError) as info:
        Scenario(name="x", horizon=5)
    assert str(info.value) == "horizon: Input should be a valid string"


def test_save_writes_only_what_load_accepts(tmp_path, monkeypatch):
    sc = load_scenario("scenarios/h2_plan.toml")
    monkeypatch.setattr(Scenario, "to_toml", lambda self, header="": 'name = "x"\nhorizon = "2019Q1"\n')
    with pytest.raises(UserError) as info:
        sc.save(tmp_path / "copy.toml")
    assert str(info.value) == f"{tmp_path / 'copy.toml'}: horizon: expected a quarter from 2020Q4 to 2025Q4, got 2019Q1"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("major_projects", 2.0, "profile"),
         "levers.major_projects.profile: cannot scale 'profile': expected one of the lever's amounts, amount, total"),
        (("major_projects", 2.0, "start"),
         "levers.major_projects.start: cannot scale 'start': expected one of the lever's amounts, amount, total"),
        (("major_projects", -1.0), "levers.major_projects: expected a finite non-negative scale factor, got -1.0"),
        (("major_projects", math.nan), "levers.major_projects: expected a finite non-negative scale factor, got nan"),
        (("major_projects", True), "levers.major_projects: expected a finite non-negative scale factor, got True"),
        (("major_projects", 1e300),
         "levers.major_projects: 1.80561e+302 亿元 in 2020Q3 is more than 2 times Hangzhou's quarterly GDP "
         "(7,686 亿元); expected a plausible amount"),
        (("vouchers", 2.0), "levers.vouchers: the scenario sets no 'vouchers' lever to scale"),
    ],
    ids=["profile", "start", "negative", "nan", "bool", "huge", "unknown"],
)
def test_scaled_raises_the_packages_error_naming_the_field(args, message):
    sc = load_scenario("scenarios/h2_plan.toml")
    with pytest.raises(UserError) as info:
        sc.scaled(*args)
    assert str(info.value) == f"{Path('scenarios/h2_plan.toml')}: {message}"


def test_replace_refuses_what_a_scenario_file_refuses():
    with pytest.raises(UserError) as info:
        default_params().replace(relief_multiplier=True)
    assert str(info.value) == "relief_multiplier: expected a number, got True"
    with pytest.raises(UserError):
        default_params().replace(relief_multiplier="0.3")


def test_model_run_refuses_a_python_scenario_the_command_line_refuses():
    with pytest.raises(UserError):
        model.run(Scenario(name="x", levers={"tax_fee_relief": {"amount": {"2020Q1": 50.0}}}))
