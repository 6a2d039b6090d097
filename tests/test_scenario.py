"""Scenario files: inheritance, round trips, and every way a user can get one wrong."""

import re
from pathlib import Path

import pytest
from conftest import SHIPPED_SCENARIOS

import model
from model.core.errors import UserError
from model.inputs.scenario import Scenario, load_scenario

SCENARIOS = SHIPPED_SCENARIOS


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_scenario_loads_and_runs(path):
    sc = load_scenario(path)
    assert sc.name == path.stem
    res = model.run(sc)
    assert res.calibration.ok
    assert res.quarterly.index[-1] == res.quarterly.index[-1].__class__(sc.horizon, freq="Q")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_number_in_a_shipped_scenario_carries_a_comment(path):
    for line in path.read_text(encoding="utf-8").splitlines():
        code = re.sub(r'"[^"]*"', '""', line.split("#", 1)[0])  # numbers inside strings are text
        if any(ch.isdigit() for ch in code) and "=" in code:
            assert "#" in line, f"{path.name}: {line!r} has a number without a source comment"


def test_required_scenarios_exist():
    assert {p.stem for p in SCENARIOS} >= {"baseline", "h2_plan", "second_wave", "export_slump"}


def test_extends_inherits_and_overrides():
    h2 = load_scenario("scenarios/h2_plan.toml")
    sw = load_scenario("scenarios/second_wave.toml")
    assert sw.lever_configs() == h2.lever_configs()
    assert "second_wave" in sw.shocks and not h2.shocks
    assert sw.description != h2.description


def test_baseline_continues_national_relief_and_the_plan_has_the_interviews():
    assert load_scenario("scenarios/no_new_measures.toml").lever_configs() == {}
    base = load_scenario("scenarios/baseline.toml").lever_configs()
    assert set(base) == {"tax_fee_relief"} and set(base["tax_fee_relief"].amount) == {"2020Q3", "2020Q4"}
    levers = load_scenario("scenarios/h2_plan.toml").lever_configs()
    assert levers["major_projects"].total == 4643.0  # interview: 337 projects, 4643 亿元
    assert sum(levers["consumption_events"].events.values()) == 100  # interview: 100 events


def test_toml_round_trip_preserves_the_scenario(tmp_path):
    sc = load_scenario("scenarios/second_wave.toml")
    path = sc.save(tmp_path / "copy.toml", header="a copy")
    back = load_scenario(path)
    assert back.name == sc.name and back.digest == sc.digest
    assert model.run(back).annual.equals(model.run(sc).annual)


def test_changes_return_new_scenarios():
    sc = load_scenario("scenarios/h2_plan.toml")
    more = sc.scaled("major_projects", 2.0)
    assert more.lever_configs()["major_projects"].total == 2 * 4643.0
    assert sc.lever_configs()["major_projects"].total == 4643.0
    assert sc.with_parameters(projects_multiplier=1.0).parameters == {"projects_multiplier": 1.0}
    assert sc.parameters == {}


def _write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BAD = [
    ('horizon = "2021Q4"\n[levers\n', "malformed TOML"),
    ('horizn = "2021Q4"\n', "horizn: unknown key; did you mean 'horizon'?"),
    ('[levers.tax_fee_relief]\namont = { 2020Q3 = 10.0 }\n', "levers.tax_fee_relief.amont: unknown key; did you mean 'amount'?"),
    ('[levers.tax_fee_releif]\namount = { 2020Q3 = 10.0 }\n', "levers.tax_fee_releif: unknown key; did you mean 'tax_fee_relief'?"),
    ('[levers.tax_fee_relief]\namount = { 2020Q3 = -10.0 }\n', "levers.tax_fee_relief.amount: 2020Q3: expected a non-negative amount, got -10"),
    ('[levers.tax_fee_relief]\namount = { 2020Q3 = nan }\n', "levers.tax_fee_relief.amount: 2020Q3: expected a finite number"),
    ('[levers.tax_fee_relief]\namount = { 2020Q2 = 10.0 }\n', "levers.tax_fee_relief.amount.2020Q2: 2020Q2 is outside the scenario window"),
    ('[levers.tax_fee_relief]\namount = { 2023Q1 = 10.0 }\n', "levers.tax_fee_relief.amount.2023Q1: 2023Q1 is outside the scenario window"),
    ('[levers.tax_fee_relief]\namount = { 2020Q7 = 10.0 }\n', "'2020Q7' is not a quarter like 2020Q3"),
    ('[levers.major_projects]\ntotal = -5.0\nstart = "2020Q3"\nend = "2021Q4"\n', "levers.major_projects.total: Input should be greater than or equal to 0, got -5.0"),
    ('[levers.major_projects]\ntotal = 100.0\n', "a programme total needs start and end quarters"),
    ('[levers.major_projects]\nstart = "2020Q3"\nend = "2021Q4"\n', "start and end phase a programme total"),
    ('[levers.consumption_events]\nsubsidy_per_event = nan\n', "levers.consumption_events.subsidy_per_event: expected a finite number"),
    ('[parameters]\nprojects_multiplier = 9.0\n', "parameters.projects_multiplier: 9 is outside the bounds [0, 3]"),
    ('[parameters]\nproject_multiplier = 1.0\n', "parameters.project_multiplier: unknown parameter 'project_multiplier'; did you mean 'projects_multiplier'?"),
    ('[parameters]\nprojects_multiplier = nan\n', "parameters.projects_multiplier: expected a finite number"),
    ('horizon = "2030Q1"\n', "horizon: expected a quarter from 2020Q4 to 2025Q4, got 2030Q1"),
    ('name = "../../etc"\n', "name: expected letters, digits, '_' or '-'"),
    ('[shocks.wave]\nstart = "2020Q1"\ndepth = 3.0\n', "shocks.wave.start: 2020Q1 is outside the scenario window"),
    ('[shocks.wave]\ndepth = 3.0\n', "shocks.wave.start: required key is missing"),
    ('[shocks.wave]\nstart = "2020Q4"\ndepth = 3.0\nsectr = "rest"\n', "shocks.wave.sectr: unknown key; did you mean 'sector'?"),
    ('extends = "nowhere.toml"\n', "extends: scenario 'nowhere.toml' not found beside this file"),
    ('[levers.tax_fee_relief]\namount = { 2020Q3 = true }\n', "levers.tax_fee_relief.amount.2020Q3: Input should be a valid number"),
    ('[levers.tax_fee_relief]\namount = { 2020Q3 = "160" }\n', "levers.tax_fee_relief.amount.2020Q3: Input should be a valid number"),
    ('[parameters]\nrelief_multiplier = true\n', "parameters.relief_multiplier: Input should be a valid number"),
    ('[levers]\ntax_fee_relief = 5\n', "levers.tax_fee_relief: expected a table, got 5"),
    ('levers = 5\n', "levers: expected a table, got 5"),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[m[:40] for _, m in BAD])
def test_bad_scenario_files_give_one_line_naming_file_and_key(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(UserError) as err:
        load_scenario(path)
    text = str(err.value)
    assert text.startswith(str(path)), text
    assert message in text, text
    assert "\n" not in text


def test_missing_file():
    with pytest.raises(UserError, match="nope.toml: file not found"):
        load_scenario("scenarios/nope.toml")


def test_extends_cycle(tmp_path):
    _write(tmp_path, 'extends = "b.toml"\n', "a.toml")
    _write(tmp_path, 'extends = "a.toml"\n', "b.toml")
    with pytest.raises(UserError, match="extends forms a cycle"):
        load_scenario(tmp_path / "a.toml")


def test_scenario_built_in_code_is_validated_too():
    with pytest.raises(UserError, match="unknown lever 'vouchers'"):
        Scenario(name="x").with_lever("vouchers", subsidy={"2020Q3": 1.0})
    with pytest.raises(UserError, match="outside the scenario window"):
        Scenario(name="x").with_lever("tax_fee_relief", amount={"2019Q3": 1.0})


def test_a_child_can_clear_a_parents_path_with_an_empty_table(tmp_path):
    child = _write(tmp_path, f'extends = "{Path("scenarios/h2_plan.toml").resolve()}"\n'
                             '[levers.tax_fee_relief]\namount = {}\n', "child.toml")
    assert load_scenario(child).lever_configs()["tax_fee_relief"].amount == {}


def test_a_mistake_in_a_parent_is_reported_against_the_parent(tmp_path):
    _write(tmp_path, 'horizon = "2030Q4"\n', "parent.toml")
    child = _write(tmp_path, 'extends = "parent.toml"\nhorizon = "2021Q4"\n', "child.toml")
    with pytest.raises(UserError) as err:
        load_scenario(child)
    assert str(err.value).startswith(f"{tmp_path / 'parent.toml'}: horizon: expected a quarter")


def test_extends_pointing_at_a_folder(tmp_path):
    (tmp_path / "sub").mkdir()
    child = _write(tmp_path, 'extends = "sub"\n', "child.toml")
    with pytest.raises(UserError, match="expected a TOML file, found a directory"):
        load_scenario(child)


def test_a_file_name_that_cannot_be_a_name_says_how_to_fix_it(tmp_path):
    path = _write(tmp_path, 'horizon = "2021Q4"\n', "my plan.toml")
    with pytest.raises(UserError, match="the file name 'my plan' cannot serve as the scenario's name"):
        load_scenario(path)
    path.write_text('name = "my_plan"\nhorizon = "2021Q4"\n', encoding="utf-8")
    assert load_scenario(path).name == "my_plan"
