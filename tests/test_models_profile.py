"""Stage tables and layer tables: shapes, parameters and multiply-accumulates (MACs = FLOPs / 2)."""

import pytest
import torch

from cnncourse.models import count_parameters, googlenet, lenet5
from cnncourse.models.profile import format_layer_table, layer_table, profile

# Conv MACs = H_out * W_out * C_out * k * k * C_in; FC MACs = inputs * outputs.
LENET_MACS = {"c1": 28 * 28 * 6 * 25, "c3": 10 * 10 * 16 * 25 * 6, "c5": 120 * 25 * 16, "f6": 120 * 84,
              "classifier": 84 * 10}


def test_lenet_layer_table_counts_macs_by_hand():
    rows = {name: (shape, params, macs) for name, _, shape, params, macs in layer_table(lenet5(), (1, 32, 32))}
    assert {name: rows[name][2] for name in LENET_MACS} == LENET_MACS
    assert rows["c1"][:2] == ((None, 6, 28, 28), 156) and rows["s4"][0] == (None, 16, 5, 5)
    assert sum(r[1] for r in rows.values()) == 61_706


def test_layer_table_text_has_totals():
    text = format_layer_table(layer_table(lenet5(), (1, 32, 32)))
    assert "Total params: 61,706" in text and "Total MACs: 416,520" in text


@pytest.mark.parametrize("name, macs", [("resnet18", 1_814_073_344), ("mobilenet_v2", 300_774_272)])
def test_profile_totals(name, macs):
    result = profile(name)
    assert result.macs == macs
    assert result.stages[-1].output_shape == (1000,)


def test_resnet18_stage_shapes_halve_and_double():
    shapes = {row.name: row.output_shape for row in profile("resnet18").stages}
    assert shapes["stem"] == (64, 56, 56) and shapes["stage2"] == (128, 28, 28)
    assert shapes["stage4"] == (512, 7, 7)


def test_profile_params_match_the_model():
    with torch.device("meta"):
        model = googlenet()
    assert profile("googlenet").params == count_parameters(model) == 6_624_904
