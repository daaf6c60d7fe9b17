"""pytest tests of the Python package: run from bindings/c/tests/python.rs (cargo test), or by
hand with `python3 -m pytest bindings/python/tests` after `pip install ./bindings/python`."""

import datetime
import decimal
import json
import os
import threading

import pytest

import caliper

INDIVIDUAL = {
    "case_id": "XC-2025-0142",
    "violation": "XR-49-2",
    "facts": {
        "party_type": "individual",
        "age": 35,
        "violation_date": "2025-03-02",
        "discovery_date": "2025-03-05",
        "minor": False,
        "harm": "general",
        "corrected": False,
        "first_offense": False,
        "prior_penalties_12m": 0,
    },
}


@pytest.fixture(scope="module")
def rules():
    return caliper.Rules.embedded()


def test_evaluate_gives_the_decision(rules):
    d = rules.evaluate(INDIVIDUAL)
    assert d["case_id"] == "XC-2025-0142"
    assert d["outcome"] == "standard"
    assert d["fine"] == {"min": 60, "max": 140}
    assert d["ruleset"]["digest"].startswith("sha256:")
    assert any("第四十九条" in b for b in d["basis"])


def test_evaluate_equals_decide_json(rules):
    text = json.dumps(INDIVIDUAL, ensure_ascii=False)
    assert rules.evaluate(INDIVIDUAL) == json.loads(rules.decide_json(text), parse_float=decimal.Decimal)


def test_dates_and_decimals_are_accepted(rules):
    case = json.loads(json.dumps(INDIVIDUAL))
    case["facts"]["violation_date"] = datetime.date(2025, 3, 2)
    case["facts"]["discovery_date"] = datetime.date(2025, 3, 5)
    assert rules.evaluate(case) == rules.evaluate(INDIVIDUAL)


def test_missing_facts_leave_it_undetermined(rules):
    d = rules.evaluate({"violation": "XR-49-2", "facts": {"party_type": "individual"}})
    assert d["outcome"] == "undetermined"
    assert "age" in d["needs"]


def test_bad_case_raises_caliper_error(rules):
    with pytest.raises(caliper.CaliperError) as e:
        rules.evaluate({"violation": "XR-49-2", "facts": {"volum_m3": 1}})
    assert e.value.code == "E0501"
    assert "volume_m3" in e.value.message
    assert e.value.at == "facts.volum_m3"
    assert e.value.document == {"error": {"code": "E0501", "message": e.value.message, "at": "facts.volum_m3"}}


def test_unknown_violation_names_the_nearest(rules):
    with pytest.raises(caliper.CaliperError) as e:
        rules.evaluate({"violation": "XR-99", "facts": {}})
    assert e.value.code == "E0503"
    assert "是否想写" in e.value.message


def test_values_that_are_not_json_raise(rules):
    with pytest.raises(caliper.CaliperError) as e:
        rules.evaluate({"violation": "XR-49-2", "facts": {"age": object()}})
    assert e.value.code == "B0705"
    assert e.value.at == "facts.age"
    with pytest.raises(caliper.CaliperError) as e:
        rules.evaluate({"violation": "XR-49-2", "facts": {"age": float("nan")}})
    assert e.value.code == "B0705"
    with pytest.raises(caliper.CaliperError) as e:
        rules.evaluate(["not", "a", "dict"])
    assert e.value.code == "E0504"


def test_nesting_is_limited(rules):
    deep = {}
    for _ in range(100):
        deep = {"x": deep}
    with pytest.raises(caliper.CaliperError) as e:
        rules.evaluate({"violation": "XR-49-2", "facts": deep})
    assert e.value.code == "B0705"


def test_decide_json_gives_error_documents(rules):
    for text in ["", "{", "[1]", '{"violation": "XR-49-2", "facts": {"age": "x"}}']:
        doc = json.loads(rules.decide_json(text))
        assert set(doc) == {"error"}, text
        assert doc["error"]["code"].startswith("E05"), text


def test_lone_surrogate_is_an_error_not_a_crash(rules):
    with pytest.raises((caliper.CaliperError, UnicodeEncodeError)):
        rules.decide_json("\ud800")


def test_evaluate_many_keeps_order_and_errors_in_place(rules):
    bad = {"violation": "XR-49-2", "facts": {"volum_m3": 1}}
    cases = [INDIVIDUAL, bad, INDIVIDUAL, {"violation": "XR-49-2", "facts": {"age": object()}}] * 5
    one = rules.evaluate_many(cases)
    two = rules.evaluate_many(cases, threads=2)
    assert one == two
    assert len(one) == 20
    assert one[0] == rules.evaluate(INDIVIDUAL)
    assert one[1]["error"]["code"] == "E0501"
    assert one[3]["error"]["code"] == "B0705"
    assert rules.evaluate_many([]) == []


def test_threads_share_one_rules(rules):
    want = rules.decide_json(json.dumps(INDIVIDUAL))
    got = []

    def work():
        for _ in range(50):
            got.append(rules.decide_json(json.dumps(INDIVIDUAL)))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [want] * 200


def test_rules_from_sources_with_errors_raise_with_diagnostics():
    with pytest.raises(caliper.CaliperError) as e:
        caliper.Rules.from_sources({"main.rules": "违法行为 {"}, "main.rules")
    assert e.value.code == "B0704"
    assert e.value.at == "main.rules:1:6"
    assert e.value.document["diagnostics"][0]["code"] == "S0101"


def test_rules_load_missing_path():
    with pytest.raises(caliper.CaliperError) as e:
        caliper.Rules.load("/nonexistent/caliper-rules")
    assert e.value.code == "B0705"


def test_rules_load_directory():
    root = os.path.join(os.path.dirname(__file__), "..", "..", "..", "rules")
    loaded = caliper.Rules.load(root)
    assert loaded.info["digest"].startswith("sha256:")
    assert loaded.evaluate(INDIVIDUAL)["outcome"] == "standard"


def test_info_and_warnings(rules):
    assert rules.info["version"]
    assert isinstance(rules.warnings, list)
    assert caliper.Rules().info == rules.info
    assert caliper.__version__
    assert "caliper.Rules" in repr(rules)


@pytest.mark.skipif("CALIPER_CASES" not in os.environ, reason="run from cargo test (bindings/c/tests/python.rs)")
def test_the_same_decisions_as_the_library(rules):
    with open(os.environ["CALIPER_CASES"], encoding="utf-8") as f:
        cases = [line.rstrip("\n") for line in f if line.strip()]
    with open(os.environ["CALIPER_EXPECTED"], encoding="utf-8") as f:
        expected = [line.rstrip("\n") for line in f if line.strip()]
    assert len(cases) == len(expected) == 20
    for case, want in zip(cases, expected):
        assert rules.decide_json(case) == want
    # evaluate(dict) and evaluate_many agree with the library's document too.
    parsed = [json.loads(c, parse_float=decimal.Decimal) for c in cases]
    wants = [json.loads(w, parse_float=decimal.Decimal) for w in expected]
    assert rules.evaluate_many(parsed, threads=2) == wants


def test_review_places_the_proposed_fine(rules):
    request = {
        "violation": "XR-49-2",
        "facts": {
            "party_type": "individual", "age": 35, "minor": False, "harm": "general",
            "corrected": False, "first_offense": False, "prior_penalties_12m": 0,
            "violation_date": "2025-03-02", "discovery_date": "2025-03-05",
        },
        "proposed": {"outcome": "standard", "fine": 1000, "penalties": ["fine"]},
    }
    got = rules.review(request)
    assert got["decision"]["outcome"] == "standard"
    assert got["review"]["fine_position"] == "above_range"
    assert got == json.loads(rules.review_json(json.dumps(request)), parse_float=decimal.Decimal)
    request["proposed"]["fine"] = 100
    assert rules.review(request)["review"]["fine_position"] == "in_band"


def test_review_of_a_bad_request_raises(rules):
    with pytest.raises(caliper.CaliperError) as e:
        rules.review({"violation": "XR-49-2", "facts": {}})
    assert e.value.code == "E0504"
    assert '"E0504"' in rules.review_json('{"violation":')


@pytest.mark.skipif("CALIPER_REQUESTS" not in os.environ, reason="run from cargo test (bindings/c/tests/python.rs)")
def test_the_same_reviews_as_the_library(rules):
    with open(os.environ["CALIPER_REQUESTS"], encoding="utf-8") as f:
        requests = [line.rstrip("\n") for line in f if line.strip()]
    with open(os.environ["CALIPER_REVIEWS"], encoding="utf-8") as f:
        expected = [line.rstrip("\n") for line in f if line.strip()]
    assert len(requests) == len(expected) == 21
    for request, want in zip(requests, expected):
        assert rules.review_json(request) == want
        if not want.startswith('{"error"'):
            parsed = json.loads(request, parse_float=decimal.Decimal)
            assert rules.review(parsed) == json.loads(want, parse_float=decimal.Decimal)


def test_decide_many_json_keeps_order_on_threads(rules):
    good = json.dumps(INDIVIDUAL)
    texts = [good, '{"violation":', good, '{"violation": "XR-99"}'] * 50
    one = rules.decide_many_json(texts)
    assert one == rules.decide_many_json(texts, threads=2)
    assert one == [rules.decide_json(t) for t in texts]
    assert json.loads(one[0])["outcome"] == "standard"
    assert json.loads(one[1])["error"]["code"] == "E0504"
    assert json.loads(one[3])["error"]["code"] == "E0503"
