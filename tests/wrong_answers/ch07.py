"""Chapter 7: a residual block, a VGG block's parameters, a depthwise-separable block and its cost."""

_BLOCK = """class ResidualBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.residual = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 3, {stride1}, padding=1, bias=False),
            nn.BatchNorm2d(out_channels), nn.ReLU(),
            nn.Conv2d(out_channels, out_channels, 3, {stride2}, padding=1, bias=False),
            nn.BatchNorm2d(out_channels))
        if {projection}:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                          nn.BatchNorm2d(out_channels))
        else:
            self.shortcut = nn.Identity()

    def forward(self, x):
        return {forward}"""


def _block(stride1="stride", stride2="1", projection="stride != 1 or in_channels != out_channels",
           forward="torch.relu(self.residual(x) + self.shortcut(x))"):
    return _BLOCK.format(stride1=stride1, stride2=stride2, projection=projection, forward=forward)


_SEPARABLE = """def separable_block(c_in, c_out, k):
    return nn.Sequential(nn.Conv2d(c_in, c_in, k, padding={padding}, groups={groups}, bias=False),
                         {between}nn.Conv2d(c_in, c_out, 1, bias=False))"""


def _separable(padding="k // 2", groups="c_in", between=""):
    return _SEPARABLE.format(padding=padding, groups=groups, between=between)


CATALOGUE = {
    "check_residual_block": dict(names=("ResidualBlock",), right=[
        _block(projection="in_channels != out_channels or stride > 1",
               forward="nn.functional.relu(self.shortcut(x) + self.residual(x))"),
        """class ResidualBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        layers = [nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False),
                  nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True),
                  nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False), nn.BatchNorm2d(out_channels)]
        self.residual = nn.Sequential(*layers)
        self.shortcut = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride,
                                                    bias=False), nn.BatchNorm2d(out_channels))
        self.relu = nn.ReLU()

    def forward(self, x):
        out = self.residual(x)
        out += self.shortcut(x)
        return self.relu(out)""",
    ], wrong=[
        (_block(forward="self.residual(x) + self.shortcut(x)"), "final ReLU is missing"),
        (_block(forward="torch.relu(self.residual(x)) + self.shortcut(x)"), "ReLU comes after the addition"),
        (_block(forward="torch.relu(self.residual(x))"), None),
        (_block(stride1="1", stride2="stride"), None),
        (_block(forward="torch.relu(self.residual[3](torch.relu(self.residual[0](x))) + self.shortcut(x))"),
         None),
        (_block().replace("nn.BatchNorm2d(out_channels), nn.ReLU(),", "nn.ReLU(), nn.BatchNorm2d(out_channels),"),
         None),
        (_block(forward="torch.relu(self.residual(x) + self.shortcut(x) * 0.5)"), None),
        (_block().replace("nn.BatchNorm2d(out_channels))\n        else",
                          "nn.BatchNorm2d(out_channels), nn.ReLU())\n        else"),
         None),
        (_block().replace(",\n                                          nn.BatchNorm2d(out_channels))\n", ")\n"),
         "followed by batch norm"),
    ]),
    "check_vgg_block_parameters": dict(names=("vgg_block_parameters",), right=[
        """def vgg_block_parameters(c_in, c_out, convs):
    total, channels = 0, c_in
    for _ in range(convs):
        total += 3 * 3 * channels * c_out + c_out
        channels = c_out
    return total""",
        """def vgg_block_parameters(c_in, c_out, convs):
    layers = [nn.Conv2d(c_in if i == 0 else c_out, c_out, 3) for i in range(convs)]
    return sum(p.numel() for layer in layers for p in layer.parameters())""",
    ], wrong=[
        ("def vgg_block_parameters(c_in, c_out, convs):\n"
         "    return 9 * c_in * c_out + (convs - 1) * 9 * c_out * c_out", "biases are missing"),
        ("def vgg_block_parameters(c_in, c_out, convs):\n    return convs * (9 * c_in + 1) * c_out",
         "Only the first convolution"),
        ("def vgg_block_parameters(c_in, c_out, convs):\n"
         "    return (c_in + 1) * c_out + (convs - 1) * (c_out + 1) * c_out", "multiply by 9"),
        ("def vgg_block_parameters(c_in, c_out, convs):\n"
         "    return (9 * c_in + 1) * c_out + (9 * c_out + 1) * c_out", None),
        ("def vgg_block_parameters(c_in, c_out, convs):\n"
         "    return (9 * c_in + 1) * c_out + (convs - 1) * (9 * c_in + 1) * c_out", None),
        ("def vgg_block_parameters(c_in, c_out, convs):\n"
         "    return (9 * c_in + 1) * c_out + (convs - 1) * (9 * c_out + 1) * c_in", None),
    ]),
    "check_separable_block": dict(names=("separable_block",), right=[
        """class Separable(nn.Module):
    def __init__(self, c_in, c_out, k):
        super().__init__()
        self.pointwise = nn.Conv2d(c_in, c_out, kernel_size=1, bias=False)
        self.depthwise = nn.Conv2d(c_in, c_in, kernel_size=k, padding=k // 2, groups=c_in, bias=False)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))


def separable_block(c_in, c_out, k):
    return Separable(c_in, c_out, k)""",
        """def separable_block(c_in, c_out, k):
    return nn.Sequential(nn.Conv2d(c_in, c_in, (k, k), padding=(k // 2, k // 2), groups=c_in, bias=False),
                         nn.Conv2d(c_in, c_out, (1, 1), bias=False))""",
    ], wrong=[
        (_separable(groups="1"), "no depthwise"),
        (_separable(padding="0"), "pad the depthwise"),
        (_separable(between="nn.ReLU(), "), None),
        ("""class Separable(nn.Module):
    def __init__(self, c_in, c_out, k):
        super().__init__()
        self.depthwise = nn.Conv2d(c_in, c_in, k, padding=k // 2, groups=c_in, bias=False)
        self.pointwise = nn.Conv2d(c_in, c_out, 1, bias=False)

    def forward(self, x):
        y = self.pointwise(x)
        return y + 0 * self.depthwise(x).sum()


def separable_block(c_in, c_out, k):
    return Separable(c_in, c_out, k)""", None),
        ("""def separable_block(c_in, c_out, k):
    return nn.Sequential(nn.Conv2d(c_in, c_out, 1, bias=False),
                         nn.Conv2d(c_out, c_out, k, padding=k // 2, groups=c_out, bias=False))""", None),
        (_separable(padding="1"), None),
        (_separable().replace("groups=c_in, bias=False", "groups=c_in, bias=True"), None),
    ]),
    "check_separable_cost_ratio": dict(names=("separable_cost_ratio",), right=[
        "def separable_cost_ratio(c_in, c_out, k):\n    return 1 / c_out + 1 / k ** 2",
        "def separable_cost_ratio(c_in, c_out, k):\n    return (k * k + c_out) / (k * k * c_out)",
    ], wrong=[
        ("def separable_cost_ratio(c_in, c_out, k):\n    return k * k * c_out / (k * k + c_out)", "saving factor"),
        ("def separable_cost_ratio(c_in, c_out, k):\n    return 1 / c_in + 1 / k ** 2", "c_in and c_out are swapped"),
        ("def separable_cost_ratio(c_in, c_out, k):\n    return 1 / c_out + 1 / k", None),
        ("def separable_cost_ratio(c_in, c_out, k):\n    return 1 / c_out + 1 / 9", "not a fixed 1/9"),
        ("def separable_cost_ratio(c_in, c_out, k):\n"
         "    return (k * k * c_in + c_in * c_out) // (k * k * c_in * c_out)",
         None),
        ("def separable_cost_ratio(c_in, c_out, k):\n    return round(1 / c_out + 1 / k ** 2, 3)", None),
    ]),
}
