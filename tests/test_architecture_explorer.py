"""The architecture explorer: stage tables from cached profiles, the comparison chart, the controls."""

import pytest

from cnncourse.models.profile import zoo_profiles
from cnncourse.models.published import IMAGENET_TOP1
from cnncourse.widgets import ArchitectureExplorer, compare_models, explore_architecture
from cnncourse.widgets.architecture_explorer import comparison_svg, label_places


@pytest.fixture(scope="module")
def profiles():
    return zoo_profiles()


def test_view_has_every_stage_and_the_totals(profiles):
    view = explore_architecture("resnet50", profiles)
    assert view.params == 25_557_032 and view.macs == profiles["resnet50"].macs
    for stage in ("stem", "stage1", "stage4", "classifier"):
        assert f"<td>{stage}</td>" in view.table_html and f">{stage}</text>" in view.chart_svg
    assert "2048 x 7 x 7" in view.table_html and "25,557,032" in view.table_html


def test_unknown_model_is_named(profiles):
    with pytest.raises(ValueError, match="unknown model 'resnet19'"):
        explore_architecture("resnet19", profiles)


def test_comparison_covers_models_with_published_accuracy(profiles):
    points = compare_models(profiles, {"resnet18": 0.04})
    assert {p.name for p in points} == set(IMAGENET_TOP1)
    by_name = {p.name: p for p in points}
    assert by_name["resnet18"].latency_ms == pytest.approx(40.0) and by_name["vgg16"].latency_ms is None
    assert comparison_svg(points, "macs").count("<circle") == len(IMAGENET_TOP1)
    assert comparison_svg(points, "latency_ms").count("<circle") == 1
    with pytest.raises(ValueError, match="x_axis must be one of"):
        comparison_svg(points, "flops")


def test_controls_drive_the_views(profiles):
    explorer = ArchitectureExplorer("lenet5", latencies={"mobilenet_v2": 0.01, "vgg16": 0.3}, profiles=profiles)
    assert explorer.view.params == 61_706 and "16 x 5 x 5" in explorer.view.table_html
    explorer.model = "vgg19"
    assert explorer.view.params == 143_667_240 and "vgg19: parameters per stage" in explorer.view.chart_svg
    explorer.x_axis = "latency_ms"
    assert explorer.comparison.count("<circle") == 2 and "measured here" in explorer.comparison
    for trait, value, words in [("model", "resnet19", "model must be one of"), ("x_axis", "flops", "x_axis must be one of")]:
        with pytest.raises(ValueError, match=words):
            setattr(explorer, trait, value)


def test_the_state_carries_every_profile_and_point(profiles):
    state = ArchitectureExplorer("resnet50", latencies={"resnet50": 0.05}, profiles=profiles).get_state()
    carried = {m["name"]: m for m in state["models"]}
    assert list(carried) == list(profiles) and carried["resnet50"]["params"] == 25_557_032
    stage = profiles["resnet50"].stages[-1]
    assert carried["resnet50"]["stages"][-1] == [stage.name, list(stage.output_shape), stage.params, stage.macs]
    by_name = {p["name"]: p for p in state["chart_points"]}
    assert by_name["resnet50"]["latency_ms"] == pytest.approx(50.0) and by_name["vgg16"]["latency_ms"] is None
    assert len(str(state)) < 300_000


def test_profiles_are_computed_once():
    assert zoo_profiles() is zoo_profiles()


def test_names_take_the_free_side_of_their_bubble_or_none():
    # five bubbles on one spot: right, left, above, below, then no room left for the fifth name
    places = label_places([(100, 100, 5, name) for name in ("alpha", "beta", "gamma", "delta", "eps")],
                          (0, 0, 400, 300))
    assert [place and place[2] for place in places] == ["start", "end", "middle", "middle", None]
    assert places[2][1] < 100 < places[3][1]  # above, then below
    # at the plot's right edge the name goes to the left of its bubble
    assert label_places([(395, 100, 5, "edge")], (0, 0, 400, 300))[0][2] == "end"


def test_the_zoo_chart_has_room_for_every_name(profiles):
    svg = comparison_svg(compare_models(profiles), "macs")
    assert all(f">{name}</text>" in svg for name in IMAGENET_TOP1)

