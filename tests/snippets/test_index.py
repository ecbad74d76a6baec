"""docs/index.md: the environment the site's outputs come from."""

from importlib import metadata

import torch


def test_environment(run_snippet, device):
    ns = run_snippet("index/environment.py")
    assert ns.device == device
    assert f"PyTorch {torch.__version__}\n" in ns.out
    assert torch.__version__.split("+")[0] == metadata.version("torch").split("+")[0] == "2.13.0"
    assert ns.x.grad.item() == 6.0
