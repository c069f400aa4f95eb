"""Chart axes: round ticks covering the data, labels kept inside the chart."""

import re

import pytest

from kamapp.charts import Series, line_chart, nice_ticks


@pytest.mark.parametrize(
    "low, high, ticks",
    [
        (0, 100, [0, 20, 40, 60, 80, 100]),
        (13.7, 41.2, [10, 15, 20, 25, 30, 35, 40, 45]),
        (0.12, 0.97, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (3.2, 3.8, [3.2, 3.3, 3.4, 3.5, 3.6, 3.7, 3.8]),
        (1_234, 98_765, [0, 20_000, 40_000, 60_000, 80_000, 100_000]),
        (5, 5, [4, 4.5, 5, 5.5, 6]),
        (0, 32, [0, 10, 20, 30, 40]),
    ],
)
def test_nice_ticks_are_round_and_cover_the_range(low, high, ticks):
    assert nice_ticks(low, high) == ticks


def test_kpi_chart_labels_are_round_and_inside_the_chart():
    svg = line_chart(
        ["Jan 2026", "Feb 2026", "Mar 2026"],
        [Series("Downtime", [37.3, 29.1, 21.4])],
        title="Downtime",
        guides=[("Baseline", 40), ("Target", 20)],
    )
    axis = re.findall(r'text-anchor="end" font-size="11" fill="#475569">([^<]+)</text>', svg)
    assert axis[:5] == ["20", "25", "30", "35", "40"]
    cost = line_chart(["Q1", "Q2"], [Series("Cost", [3.2, 3.8])], title="Cost")
    assert ">3.2</text>" in cost and ">3.80</text>" not in cost
    # the last date, centred under the last point, ends inside the chart (11 px: ~6.5 px a glyph)
    last_x = float(re.search(r'<text x="([\d.]+)"[^>]*>Mar 2026<', svg).group(1))
    assert last_x + len("Mar 2026") * 6.5 / 2 <= 640
    label_ys = [float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.-]+)"', svg)]
    assert min(label_ys) >= 11  # nothing drawn above the top edge


def test_dots_in_one_cell_never_sit_on_top_of_each_other():
    from kamapp.charts import Dot, matrix

    for cell in (70, 130):
        dots = [Dot(2, 2, "#000", f"Assessment {n}") for n in range(6)]
        svg = matrix({1: "a", 2: "b"}, {1: "x", 2: "y"}, {}, dots, title="t", cell=cell)
        centres = [
            (float(x), float(y))
            for x, y in re.findall(r'<circle class="dot" cx="([\d.]+)" cy="([\d.]+)"', svg)
        ]
        assert len(set(centres)) == 6
        for i, (x1, y1) in enumerate(centres):
            for x2, y2 in centres[i + 1 :]:
                assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 >= 14  # two radii of 7
