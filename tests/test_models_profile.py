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


@pytest.mark.parametrize("name", ["resnet18", "mobilenet_v2", "efficientnet_lite0"])
def test_batch_norm_skipped_by_the_counter_changes_no_count(name):
    """Against torch's FlopCounterMode left to decompose batch norm itself, stage by stage and layer by layer."""
    from torch.utils.flop_counter import FlopCounterMode

    from cnncourse.models import MODELS, build
    shape = MODELS[name].input_shape
    with torch.device("meta"):
        model = build(name).eval()
    x, expected = torch.zeros((1, *shape), device="meta"), []
    with torch.no_grad():
        for _, child in model.named_children():
            with FlopCounterMode(display=False) as plain:
                x = child(x)
            expected.append(plain.get_total_flops() // 2)
    assert [row.macs for row in profile(name).stages] == expected and sum(expected) > 0
    small = build(name)
    with FlopCounterMode(display=False) as plain, torch.no_grad():
        small.eval()(torch.zeros((1, *shape)))
    assert sum(row[4] for row in layer_table(small, shape)) == plain.get_total_flops() // 2
