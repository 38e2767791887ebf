"""The statistics of a case series, against table values and closed forms."""

import math
import statistics

import pytest

from albutrend.clinical.stats import geometric_mean_ratio, quantile, t_cdf, t_quantile


@pytest.mark.parametrize(
    ("p", "df", "table"),
    [
        (0.975, 1, 12.706),
        (0.975, 2, 4.303),
        (0.975, 4, 2.776),
        (0.975, 10, 2.228),
        (0.975, 30, 2.042),
        (0.975, 120, 1.980),
        (0.95, 3, 2.353),
        (0.995, 5, 4.032),
        (0.9995, 1, 636.619),
        (0.9, 20, 1.325),
    ],
)
def test_t_quantile_matches_the_printed_table(p, df, table):
    assert round(t_quantile(p, df), 3) == table


@pytest.mark.parametrize("p", [0.51, 0.6, 0.9, 0.975, 0.999])
def test_t_quantile_equals_the_closed_forms_for_1_and_2_degrees_of_freedom(p):
    assert t_quantile(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-12)
    assert t_quantile(p, 2) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-12)


@pytest.mark.parametrize("df", [1_000, 100_000])
def test_t_quantile_for_many_degrees_of_freedom_follows_the_cornish_fisher_expansion(df):
    z = statistics.NormalDist().inv_cdf(0.975)
    expansion = z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
    assert t_quantile(0.975, df) == pytest.approx(expansion, rel=1e-8)


def test_t_quantile_is_symmetric_and_inverts_the_cdf():
    assert t_quantile(0.5, 7) == 0.0
    assert t_quantile(0.025, 4) == -t_quantile(0.975, 4)
    for df in (1, 3, 9, 50):
        assert t_cdf(t_quantile(0.975, df), df) == pytest.approx(0.975, abs=1e-13)


def test_t_quantile_refuses_what_has_none():
    for p in (0.0, 1.0, -0.1):
        with pytest.raises(ValueError):
            t_quantile(p, 3)
    with pytest.raises(ValueError):
        t_quantile(0.9, 0)


def test_quantile_is_the_inclusive_method_of_the_statistics_module():
    data = sorted([3.1, -40.0, -12.5, 7.0, 0.0, -55.2, 18.0])
    quartiles = statistics.quantiles(data, n=4, method="inclusive")
    assert [quantile(data, q) for q in (0.25, 0.5, 0.75)] == pytest.approx(quartiles)
    assert quantile([5.0], 0.25) == 5.0
    assert quantile([1.0, 3.0], 0.5) == 2.0


def test_geometric_mean_ratio_and_its_interval_by_hand():
    # logs of 0.5 and 2 are ±ln 2: mean 0 (GMR 1), s = ln2·√2, half-width t(0.975,1)·s/√2.
    g = geometric_mean_ratio([0.5, 2.0])
    assert g.n == 2 and g.value == pytest.approx(1.0)
    half = 12.706204736174707 * math.log(2)
    assert g.interval == pytest.approx((math.exp(-half), math.exp(half)), rel=1e-9)


def test_geometric_mean_ratio_of_one_has_no_interval():
    g = geometric_mean_ratio([0.4542])
    assert g.value == pytest.approx(0.4542) and g.interval is None
