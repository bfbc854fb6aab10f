"""Tier governance end to end (METHODOLOGY.md §10–12, INTERFACES.md §2–3).

* The hand-made fixture's tier overrides are quarantined with the expected reason, key by
  key; an absent tier_overrides table is an empty one, reconciled with 0 rows; a landed one
  with a missing column stops the run naming it.
* On a generated year (December 2024 – December 2025, with the generator's overrides):
  the service tier equals an independent re-implementation of §10, a full refresh equals
  month-by-month increments row for row, overrides visibly set service tiers, and every
  worklist of §11 equals an independent recomputation in Decimal arithmetic.
* The what-if of §12 leaves the warehouse and the serving file byte-identical, moves exactly
  the retail customers whose avg_aum lies in [5,000,000, 6,000,000) when the
  high-net-worth line goes to 6,000,000, does not recompute the contribution engine for a
  segmentation parameter but does for a risk weight, and reports bad input clearly.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from conftest import FAMILY_RANK, FIXTURES, Build
from independent import contacts_from_raw, owner_at, owners_from_raw, period_end

from bank_tiering.cli import main
from bank_tiering.project import Settings
from bank_tiering.summary import print_governance_summary
from bank_tiering.whatif import WhatIfError, run_whatif

EXPECTED_BY_KEY = json.loads(
    (FIXTURES / "raw_dirty" / "_expected_quarantine.json").read_text(encoding="utf-8")
)["_tier_overrides_by_key"]

GRACE = {("retail", "high_net_worth"): 6, ("retail", "mass_affluent"): 3}  # others 0
# §11 and §14 defaults
NEAR_RATIO, DECLINE_RATIO = Decimal("0.9"), Decimal("0.2")
HANDOVER_DAYS = 30
# §18 default contact cadence (days) by (market_class, service tier)
CADENCE = {("retail", "high_net_worth"): 30, ("retail", "mass_affluent"): 90,
           ("corporate", "strategic"): 30, ("corporate", "large"): 60}
WATCHED = {("retail", "high_net_worth"), ("retail", "mass_affluent"),
           ("corporate", "strategic"), ("corporate", "large")}
NEXT_LINE = {  # (market_class, tier) -> (basis, line of the next higher tier of that basis)
    ("retail", "mass"): ("avg_aum", Decimal("500000")),
    ("retail", "mass_affluent"): ("avg_aum", Decimal("5000000")),
    ("corporate", "below_scale"): ("avg_deposit_balance", Decimal("500000")),
    ("institution", "below_scale"): ("avg_deposit_balance", Decimal("500000")),
}
EXAMPLE_THRESHOLDS = (
    "branch_id,tier_code,min_avg_aum,max_avg_aum\n"
    "*,high_net_worth,6000000,\n*,mass_affluent,500000,6000000\n*,mass,,500000\n"
)


def _month_before(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def _money(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(f"{value:.2f}")












def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy_warehouse(build: Build, target: Path) -> Path:
    """A copy of a build's warehouse (with its WAL) that no connection holds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(build.settings.duckdb_path, target)
    wal = Path(f"{build.settings.duckdb_path}.wal")
    if wal.exists():
        shutil.copyfile(wal, Path(f"{target}.wal"))
    with duckdb.connect(str(target)) as con:  # fold the WAL in, so the copy is one file
        con.execute("checkpoint")
    return target


# --------------------------------------------------------------------------------------
# Hand-made fixture: quarantine by key, optional table
# --------------------------------------------------------------------------------------


def test_fixture_overrides_quarantined_key_by_key(dirty_build: Build) -> None:
    got: dict[str, list[str]] = defaultdict(list)
    for key, reason in dirty_build.query(
        "select record_key, reason_code from data_quality.dq_quarantine "
        "where source_table = 'tier_overrides' order by 1, 2"
    ):
        got[key].append(reason)
    expected = {k: sorted(v) for k, v in EXPECTED_BY_KEY.items() if k != "_comment" and v}
    assert dict(got) == expected
    # applied: the rows without a reason, and the first of O13's two identical copies
    clean = {k for k, v in EXPECTED_BY_KEY.items() if k != "_comment" and not v}
    applied = {r[0] for r in dirty_build.query(
        "select override_id from intermediate.int_tier_overrides_validated")}
    assert applied == clean | {"O13"} == {"O01", "O13", "O16"}


def test_fixture_override_sets_the_service_tier(dirty_build: Build) -> None:
    # O01: C001 (mass by its January AUM) served high_net_worth in [2025-01, 2025-04)
    rows = dirty_build.query(
        "select tier_code, service_tier_code, service_tier_rule, override_id, override_reason, "
        "override_approved_by, service_tier_label_zh from marts.fct_customer_segment "
        "where customer_id = 'C001' and period_month = date '2025-01-01'"
    )
    assert rows == [("mass", "high_net_worth", "override", "O01",
                     "家庭资产转入中 保留高净值服务", "E200", "高净值客户")]


OPTIONAL_TABLES = {  # INTERFACES.md §2: absent = none (the RM pair: every customer unassigned)
    "tier_overrides": ["override_id", "customer_id", "tier_code", "reason", "requested_by",
                       "approved_by", "valid_from", "valid_to"],
    "relationship_managers": ["rm_id", "rm_name", "branch_id", "hire_date", "leave_date"],
    "customer_assignments": ["assignment_id", "customer_id", "rm_id", "valid_from", "valid_to"],
    "contacts": ["contact_id", "customer_id", "rm_id", "contact_date", "channel"],
}


def test_absent_optional_tables_are_empty_and_reconciled(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw_dirty", raw)
    for table in OPTIONAL_TABLES:
        (raw / f"{table}.csv").unlink()
    build = Build(raw, tmp_path)
    assert build.dbt("build", "--select", "+dq_reconciliation", "+mart_rm_worklist",
                     "+mart_rm_portfolio", "--exclude", "resource_type:test",
                     "resource_type:unit_test").success
    for table, expected_columns in OPTIONAL_TABLES.items():
        assert build.query(
            "select raw_rows, clean_rows, quarantined_rows from data_quality.dq_reconciliation "
            f"where source_table = '{table}'"
        ) == [(0, 0, 0)], table
        columns = [r[0] for r in build.query(
            "select column_name from information_schema.columns where table_schema = 'raw' "
            f"and table_name = '{table}' order by ordinal_position")]
        assert columns == expected_columns, table
    assert build.query("select distinct rm_id, rm_status, rm_status_label_zh "
                       "from marts.fct_customer_segment") == [(None, "unassigned", "无客户经理")]
    assert build.query("select count(*) from marts.dim_relationship_manager") == [(0,)]
    assert build.query("select count(*) from marts.mart_rm_portfolio") == [(0,)]


@pytest.mark.parametrize("landed", ["relationship_managers", "customer_assignments"])
def test_one_table_of_the_rm_pair_stops_the_run_naming_both(
    landed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw_dirty", raw)
    missing = ({"relationship_managers", "customer_assignments"} - {landed}).pop()
    (raw / f"{missing}.csv").unlink()
    result = Build(raw, tmp_path).dbt("run", "--select", "stg_core__fx_rates")
    assert not result.success
    message = str(result.exception) + capsys.readouterr().out
    assert f"Raw table '{landed}' is landed" in message
    assert f"'{missing}' is not" in message and "land both or neither" in message


def test_landed_overrides_missing_a_column_stop_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw_dirty", raw)
    path = raw / "tier_overrides.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",approved_by,", ",approver,", 1),
                    encoding="utf-8")
    result = Build(raw, tmp_path).dbt("run", "--select", "stg_core__fx_rates")
    assert not result.success
    message = str(result.exception) + capsys.readouterr().out
    assert "Raw table 'tier_overrides'" in message
    assert "missing required column(s): approved_by" in message


# --------------------------------------------------------------------------------------
# A generated year with overrides
# --------------------------------------------------------------------------------------




SERVICE_COLUMNS = ("customer_id, period_month, market_class, tier_code, service_tier_code, "
                   "months_below, is_on_watch, grace_months_left, override_id")


def test_service_tier_equals_an_independent_state_machine(governed: Build) -> None:
    overrides = governed.query(
        "select override_id, customer_id, tier_code, valid_from, valid_to "
        "from intermediate.int_tier_overrides_validated")
    assert overrides, "the generator writes overrides"
    rows = governed.query(f"select {SERVICE_COLUMNS} from marts.fct_customer_segment "
                          "order by customer_id, period_month")
    state: dict[tuple[str, date], tuple[str, int, bool]] = {}  # service, below, overridden
    expected, got = [], []
    for cid, month, market, tier, *actual in rows:
        override = next((o for o in overrides if o[1] == cid and o[3] <= month < o[4]), None)
        prev = state.get((cid, _month_before(month)))
        service, below, left = tier, 0, None
        if override is not None:  # rule 1
            service = override[2]
        elif prev is not None and not prev[2] \
                and FAMILY_RANK[(market, prev[0])][0] == FAMILY_RANK[(market, tier)][0] \
                and FAMILY_RANK[(market, tier)][1] < FAMILY_RANK[(market, prev[0])][1]:
            grace = GRACE.get((market, prev[0]), 0)  # rule 4 (rules 2-3 keep the defaults)
            if prev[1] + 1 <= grace:
                service, below, left = prev[0], prev[1] + 1, grace - prev[1] - 1
        state[(cid, month)] = (service, below, override is not None)
        expected.append((cid, month, service, below, left is not None, left,
                         override[0] if override else None))
        got.append((cid, month, *actual))
    assert got == expected
    assert any(r[6] for r in rows), "some customer-month is on watch"


def test_overrides_visibly_set_the_service_tier(governed: Build) -> None:
    rows = governed.query(
        "select service_tier_rule, count(*), "
        "count(*) filter (where service_tier_code != tier_code) "
        "from marts.fct_customer_segment where override_id is not null group by 1")
    assert [r[0] for r in rows] == ["override"]
    assert rows[0][2] > 0, "an override changes some service tier"
    after = governed.query(
        "select count(*) from marts.fct_customer_segment "
        "where service_tier_rule = 'after_override'")
    assert after[0][0] > 0, "the month after an override ends starts fresh"


def test_full_refresh_equals_monthly_increments(governed: Build, tmp_path: Path) -> None:
    incremental = Build(governed.settings.raw_dir, tmp_path)
    _copy_warehouse(governed, incremental.settings.duckdb_path)
    months = [r[0].isoformat() for r in governed.query(
        "select distinct period_month from intermediate.int_customer_months_classified order by 1")]
    assert len(months) == 13
    select = ("run", "--select", "int_customer_months_service_tiered")
    for i, month in enumerate(months):
        bound = ("--vars", f"{{service_tier_through_month: '{month}'}}")
        result = incremental.dbt(*select, *bound, *(("--full-refresh",) if i == 0 else ()))
        assert result.success, month
        loaded = incremental.query(
            "select max(period_month) from intermediate.int_customer_months_service_tiered")
        assert loaded == [(date.fromisoformat(month),)]
    table = "intermediate.int_customer_months_service_tiered"
    query = f"select * from {table} order by customer_id, period_month"
    assert incremental.query(query) == governed.query(query)


def test_owner_equals_the_assignment_in_force_at_period_end(governed: Build) -> None:
    """§14 recomputed from the landed assignment history: rm_id and rm_status of every
    customer-month, and of every worklist row (also lost customers without a month)."""
    owners = owners_from_raw(governed.settings.raw_dir)
    for table in ("fct_customer_segment", "mart_rm_worklist"):
        rows = governed.query(
            f"select customer_id, period_month, rm_id, rm_status from marts.{table}")
        assert rows
        for cid, month, rm, status in rows:
            expected = owner_at(owners, cid, period_end(month))[:2]
            assert (rm, status) == expected, (table, cid, month)


def test_worklists_equal_an_independent_recomputation(governed: Build) -> None:
    owners = owners_from_raw(governed.settings.raw_dir)
    contacts = contacts_from_raw(governed.settings.raw_dir)
    rows = governed.query(
        "select customer_id, period_month, market_class, tier_code, service_tier_code, "
        "avg_aum, avg_deposit_balance, is_on_watch from marts.fct_customer_segment")
    by_key = {(r[0], r[1]): r for r in rows}
    periods = sorted({r[1] for r in rows})
    expected: set[tuple[date, str, str]] = set()
    for cid, month, market, tier, service, aum, deposit, on_watch in rows:
        if (market, tier) in NEXT_LINE:
            basis, line = NEXT_LINE[(market, tier)]
            value = _money(aum if basis == "avg_aum" else deposit)
            if value >= NEAR_RATIO * line:
                expected.add((month, "near_upgrade", cid))
        if on_watch:
            expected.add((month, "on_watch", cid))
        _, status, leave = owner_at(owners, cid, period_end(month))
        notice_end = period_end(month) + timedelta(days=HANDOVER_DAYS)
        if (market, service) in WATCHED and (
                status != "active" or (leave is not None and leave <= notice_end)):
            expected.add((month, "handover", cid))
        if (market, service) in CADENCE:
            last = max((d for d in contacts.get(cid, []) if d <= period_end(month)), default=None)
            if last is None or (period_end(month) - last).days > CADENCE[(market, service)]:
                expected.add((month, "contact_overdue", cid))
        before = by_key.get((cid, _month_before(month)))
        if before is not None:
            family, rank = FAMILY_RANK[(market, service)]
            prev_family, prev_rank = FAMILY_RANK[(market, before[4])]
            if family == prev_family and rank < prev_rank:
                expected.add((month, "downgraded", cid))
            if (market, tier) in WATCHED and _money(before[5]) > 0 \
                    and _money(aum) <= (1 - DECLINE_RATIO) * _money(before[5]):
                expected.add((month, "declining", cid))
    for month in periods:
        base = date(month.year - 1, 12, 1)
        if base not in periods:
            continue
        for (cid, m), r in by_key.items():
            now = by_key.get((cid, month))
            if m != base or (r[2], r[3]) not in WATCHED:
                continue
            family, rank = FAMILY_RANK[(r[2], r[3])]
            # lost: gone, another family, or lower; a customer who moved up is not lost
            if now is None or FAMILY_RANK[(now[2], now[3])][0] != family \
                    or FAMILY_RANK[(now[2], now[3])][1] < rank:
                expected.add((month, "lost_since_year_start", cid))
    # the early-warning lists (§16) are recomputed in test_early_warning_independent
    got = set(governed.query(
        "select period_month, list_code, customer_id from marts.mart_rm_worklist "
        "where list_code not in ('large_outflow', 'churn_risk', 'win_back')"))
    assert got == expected
    assert {code for _, code, _ in got} == {"near_upgrade", "on_watch", "downgraded",
                                            "lost_since_year_start", "declining", "handover",
                                            "contact_overdue"}


# --------------------------------------------------------------------------------------
# What-if
# --------------------------------------------------------------------------------------


@pytest.fixture()
def whatif_env(governed: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
               ) -> tuple[Settings, Path]:
    """A private copy of the warehouse as BANK_TIERING_DUCKDB and a serving file."""
    main_file = _copy_warehouse(governed, tmp_path / "main" / "warehouse.duckdb")
    serving = tmp_path / "serving" / "warehouse.duckdb"
    serving.parent.mkdir()
    shutil.copyfile(main_file, serving)
    monkeypatch.setenv("BANK_TIERING_SERVING_DUCKDB", str(serving))
    return Settings(raw_dir=governed.settings.raw_dir, duckdb_path=main_file), serving


def _params(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "params"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def test_whatif_example_moves_exactly_the_band(whatif_env: tuple[Settings, Path],
                                               tmp_path: Path) -> None:
    settings, serving = whatif_env
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        band = con.execute(
            "select period_month, customer_id, avg_aum from marts.fct_customer_segment "
            "where market_class = 'retail' and avg_aum >= 5000000 and avg_aum < 6000000"
        ).fetchall()
    assert band, "the sample has retail customers between the two lines"
    period = max(r[0] for r in band)
    in_band = {r[1]: r[2] for r in band if r[0] == period}
    before = _digest(settings.duckdb_path), _digest(serving)
    scenario = tmp_path / "whatif.duckdb"
    result = run_whatif(_params(tmp_path, "retail_tier_thresholds", EXAMPLE_THRESHOLDS),
                        period, scenario, settings)
    assert (_digest(settings.duckdb_path), _digest(serving)) == before
    assert result.changed == ["retail_tier_thresholds"]
    with duckdb.connect(str(scenario), read_only=True) as con:
        moves = con.execute(
            "select market_class, baseline_code, scenario_code, customers, avg_aum, "
            "baseline_label_zh, scenario_label_zh from whatif_tier_moves "
            "where dimension = 'tier_code' and is_move").fetchall()
        customers = {r[0] for r in con.execute(
            "select customer_id from whatif_customer_moves where dimension = 'tier_code'"
        ).fetchall()}
    assert moves == [("retail", "high_net_worth", "mass_affluent", len(in_band),
                      sum(_money(v) for v in in_band.values()), "高净值客户", "中等价值客户")]
    assert customers == set(in_band)
    log = Path(f"{scenario}.dbt.log").read_text(encoding="utf-8")
    assert "marts.fct_customer_segment" in log
    assert "marts.fct_customer_contribution" not in log  # segmentation only


def test_whatif_risk_weight_recomputes_contribution(whatif_env: tuple[Settings, Path],
                                                    tmp_path: Path) -> None:
    settings, _ = whatif_env
    shipped = (Path(__file__).parents[2] / "seeds" / "parameters" / "risk_weights.csv")
    text = shipped.read_text(encoding="utf-8").replace("*,retail,mortgage,0.50",
                                                       "*,retail,mortgage,1.00")
    assert "1.00" in text
    scenario = tmp_path / "whatif.duckdb"
    result = run_whatif(_params(tmp_path, "risk_weights", text), None, scenario, settings)
    assert result.changed == ["risk_weights"]
    total = "select sum(capital_cost) from marts.fct_customer_contribution"
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        baseline_cost = con.execute(total).fetchone()[0]
    with duckdb.connect(str(scenario), read_only=True) as con:
        scenario_cost = con.execute(total).fetchone()[0]
    assert scenario_cost > baseline_cost
    assert "marts.fct_customer_contribution" in Path(f"{scenario}.dbt.log").read_text("utf-8")


def test_whatif_unchanged_parameters_move_nobody(whatif_env: tuple[Settings, Path],
                                                 tmp_path: Path) -> None:
    settings, _ = whatif_env
    shipped = Path(__file__).parents[2] / "seeds" / "parameters" / "tier_downgrade_grace.csv"
    result = run_whatif(_params(tmp_path, "tier_downgrade_grace", shipped.read_text("utf-8")),
                        None, tmp_path / "whatif.duckdb", settings)
    assert result.changed == []
    assert sum(result.moved_customers.values()) == 0
    assert not Path(f"{tmp_path / 'whatif.duckdb'}.dbt.log").exists()


@pytest.mark.parametrize(("files", "message"), [
    ({"retail_lines.csv": "a,b\n1,2\n"}, "no shipped parameter seed has this name"),
    ({"notes.txt": "hello"}, "unknown file"),
    ({"retail_tier_thresholds.csv": "branch_id,tier_code,min_aum,max_avg_aum\n*,mass,,1\n"},
     "missing min_avg_aum; unknown min_aum"),
    ({}, "holds no parameter CSV file"),
])
def test_whatif_bad_param_dir_is_a_clear_error(tmp_path: Path, files: dict[str, str],
                                               message: str) -> None:
    folder = tmp_path / "params"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["what-if", str(folder), "--out",
                                       str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    with pytest.raises(WhatIfError):
        run_whatif(folder, None, tmp_path / "w.duckdb")


# --------------------------------------------------------------------------------------
# Build summary
# --------------------------------------------------------------------------------------


def test_summary_prints_the_latest_governance_counts() -> None:
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create table marts.fct_customer_segment (customer_id varchar, "
                "period_month date, tier_code varchar, service_tier_code varchar, "
                "is_on_watch boolean, override_id varchar, rm_status varchar, "
                "churn_risk_band varchar)")
    con.execute("""insert into marts.fct_customer_segment values
        ('a', '2025-05-01', 'mass', 'mass_affluent', true, null, 'departed', 'high'),
        ('a', '2025-06-01', 'mass', 'mass_affluent', true, null, 'active', 'medium'),
        ('b', '2025-06-01', 'mass', 'high_net_worth', false, 'O1', 'active', 'low'),
        ('c', '2025-06-01', 'mass', 'mass', false, null, 'unassigned', 'low')""")
    con.execute("create table marts.mart_rm_worklist (period_month date, list_code varchar, "
                "list_label_zh varchar, customer_id varchar, branch_id varchar)")
    con.execute("""insert into marts.mart_rm_worklist values
        ('2025-06-01', 'on_watch', '保级关注客户', 'a', 'B1'),
        ('2025-06-01', 'near_upgrade', '临界提升客户', 'a', 'B1'),
        ('2025-06-01', 'near_upgrade', '临界提升客户', 'c', 'B2'),
        ('2025-05-01', 'declining', '资产下滑客户', 'a', 'B1'),
        ('2025-06-01', 'handover', '待交接客户', 'c', 'B2'),
        ('2025-06-01', 'churn_risk', '流失高风险客户', 'b', 'B1')""")
    con.execute("create schema parameters")
    con.execute("create table parameters.code_labels as select * from (values "
                "('worklist', 'near_upgrade', '临界提升客户'), "
                "('worklist', 'on_watch', '保级关注客户'), "
                "('worklist', 'downgraded', '本月降级客户'), "
                "('worklist', 'lost_since_year_start', '年初以来流失客户'), "
                "('worklist', 'declining', '资产下滑客户'), "
                "('worklist', 'handover', '待交接客户'), "
                "('rm_status', 'active', '在职'), ('rm_status', 'departed', '客户经理已离职'), "
                "('rm_status', 'unassigned', '无客户经理'), ('churn_risk_band', 'high', '高'), "
                "('churn_risk_band', 'medium', '中'), ('churn_risk_band', 'low', '低')) "
                "as t(code_set, code, label_zh)")
    out = io.StringIO()
    rows = print_governance_summary(con, file=out)
    # June only: a on watch; b overridden; a and b served at another tier than assessed
    assert (rows["on_watch"], rows["overridden"], rows["service_differs"]) == (1, 1, 2)
    assert [(w["code"], w["customers"], w["branches"]) for w in rows["worklists"]] == [
        ("near_upgrade", 2, 2), ("on_watch", 1, 1), ("downgraded", 0, 0),
        ("lost_since_year_start", 0, 0), ("declining", 0, 0), ("handover", 1, 1),
        ("large_outflow", 0, 0), ("churn_risk", 1, 1), ("win_back", 0, 0),
        ("contact_overdue", 0, 0)]
    # June only: a medium, b and c low (May's high row is another period)
    assert [(b["code"], b["customers"]) for b in rows["churn_risk_band"]] == [
        ("high", 0), ("medium", 1), ("low", 2)]
    # June only: a and b active, c unassigned (May's departed row is another period)
    assert [(s["code"], s["customers"]) for s in rows["rm_status"]] == [
        ("active", 2), ("departed", 0), ("unassigned", 1)]
    text = out.getvalue()
    assert "2025年6月" in text and "临界提升客户" in text and "资产下滑客户" in text
    assert "流失风险" in text and "中" in text
    assert "near_upgrade" not in text and "declining" not in text
