"""Chapter 9: a saliency map, the IoU of two boxes, non-maximum suppression."""

_SALIENCY = """def saliency_map(model, x, target):
    x = x.clone().requires_grad_(True)
    {score}.backward()
    return {reduce}"""


def _saliency(score="model(x)[0, target]", reduce="x.grad[0].abs().amax(dim=0)"):
    return _SALIENCY.format(score=score, reduce=reduce)


_IOU = """def box_iou(a, b):
    width = {width}
    height = {height}
    inter = width * height
    union = {union}
    return float(inter / union)"""
_W, _H = "max(0, min(a[2], b[2]) - max(a[0], b[0]))", "max(0, min(a[3], b[3]) - max(a[1], b[1]))"
_UNION = "(a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter"


def _iou(width=_W, height=_H, union=_UNION):
    return _IOU.format(width=width, height=height, union=union)


_IOU_HELPER = _iou().replace("def box_iou", "def _iou")
_NMS = _IOU_HELPER + """


def nms(boxes, scores, threshold):
    order = list(np.argsort({key}, kind="stable"))
    keep = []
    while order:
        best = order.pop(0)
        keep.append(int(best))
        order = [i for i in order if {keep_if}]
    return {result}"""


def _nms(key="-np.asarray(scores)", keep_if="_iou(boxes[best], boxes[i]) <= threshold", result="keep"):
    return _NMS.format(key=key, keep_if=keep_if, result=result)


CATALOGUE = {
    "check_saliency_map": dict(names=("saliency_map",), right=[
        """def saliency_map(model, x, target):
    x = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(model(x)[:, target].sum(), x)
    return grad.abs().max(dim=1).values[0]""",
        """def saliency_map(model, x, target):
    x = x.clone().requires_grad_(True)
    scores = model(x)
    one_hot = torch.zeros_like(scores)
    one_hot[0, target] = 1
    scores.backward(one_hot)
    return np.abs(x.grad.numpy()[0]).max(axis=0)""",
    ], wrong=[
        (_saliency(reduce="x.grad[0].amax(dim=0)"), "absolute value"),
        (_saliency(reduce="x.grad[0].abs().mean(dim=0)"), "not the mean"),
        (_saliency(reduce="x.grad[0].abs().sum(dim=0)"), "not the sum"),
        (_saliency(score="model(x).softmax(1)[0, target]"), "softmax probability"),
        (_saliency(score="nn.functional.cross_entropy(model(x), torch.tensor([target]))"), "gradient of the loss"),
        (_saliency(score="model(x)[0].max()"), "top-scoring"),
        (_saliency(reduce="x.grad[0].abs()"), "colour channels"),
        (_saliency(reduce="x.grad[0].abs()[0]"), "first channel only"),
    ]),
    "check_box_iou": dict(names=("box_iou",), right=[
        """def box_iou(a, b):
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[2], b[2]), min(a[3], b[3])
    if x1 <= x0 or y1 <= y0:
        return 0.0
    inter = (x1 - x0) * (y1 - y0)
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)""",
        """def box_iou(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    inter = np.clip(np.minimum(a[2:], b[2:]) - np.maximum(a[:2], b[:2]), 0, None).prod()
    return float(inter / (np.prod(a[2:] - a[:2]) + np.prod(b[2:] - b[:2]) - inter))""",
    ], wrong=[
        (_iou(width="min(a[2], b[2]) - max(a[0], b[0])", height="min(a[3], b[3]) - max(a[1], b[1])"), "clip each"),
        (_iou(union="(a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1])"), "counts the overlap twice"),
        (_iou(union="(a[2] - a[0]) * (a[3] - a[1])"), "area of the first box"),
        (_iou(width="max(0, min(a[2], b[2]) - max(a[0], b[0]) + 1)",
              height="max(0, min(a[3], b[3]) - max(a[1], b[1]) + 1)",
              union="(a[2] - a[0] + 1) * (a[3] - a[1] + 1) + (b[2] - b[0] + 1) * (b[3] - b[1] + 1) - inter"),
         "inclusive"),
        (_iou(height="min(a[3], b[3]) - max(a[1], b[1])"), None),
        (_iou(height="max(0, min(a[3], b[3]) - max(a[0], b[0]))"), None),
        (_iou().replace("float(inter / union)", "inter // union"), "not //"),
        (_iou(width="max(0, max(a[2], b[2]) - min(a[0], b[0]))"), None),
    ]),
    "check_nms": dict(names=("nms",), right=[
        _nms(key="[-s for s in scores]"),
        """def nms(boxes, scores, threshold):
    boxes = torch.as_tensor(boxes, dtype=torch.float64)
    order = torch.argsort(torch.as_tensor(scores), descending=True, stable=True)
    x0, y0 = torch.maximum(boxes[:, None, :2], boxes[None, :, :2]).unbind(-1)
    x1, y1 = torch.minimum(boxes[:, None, 2:], boxes[None, :, 2:]).unbind(-1)
    inter = (x1 - x0).clamp(min=0) * (y1 - y0).clamp(min=0)
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    iou = inter / (area[:, None] + area[None, :] - inter)
    suppressed, keep = set(), []
    for i in order.tolist():
        if i not in suppressed:
            keep.append(i)
            suppressed |= {j for j in range(len(boxes)) if iou[i, j] > threshold}
    return keep""",
    ], wrong=[
        ("""def nms(boxes, scores, threshold):
    order = list(np.argsort(-np.asarray(scores), kind="stable"))
    best = order[0]
    return [int(best)] + [int(i) for i in order[1:] if _iou(boxes[best], boxes[i]) <= threshold]

""" + _IOU_HELPER, "Repeat"),
        (_nms(key="np.asarray(scores)"), "lowest score"),
        (_nms(result="np.array([boxes[i] for i in keep])"), "returned boxes"),
        (_nms(result="sorted(keep)"), "best score first"),
        (_nms(keep_if="_iou(boxes[best], boxes[i]) < threshold"), "(>, not >=)"),
        (_nms(key="-np.asarray(scores)", keep_if="_iou(boxes[best], boxes[i]) <= 0.5"), None),
        (_nms(result="keep[:1] + sorted(keep[1:])"), None),
        (_nms(keep_if="not (_iou(boxes[best], boxes[i]) > threshold and scores[i] < scores[best])"), None),
    ]),
}
