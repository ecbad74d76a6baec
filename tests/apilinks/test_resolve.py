"""docexec.apilinks: the resolver and the link writer, on snippets' text (no build)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pygments
import pygments.formatters
import pygments.lexers
import pytest

from docexec.apilinks import block_id, link_code
from docexec.fences import whole_file as _as_shown
from docexec.apilinks.resolve import MAP, load_map, references

ROOT = Path(__file__).resolve().parents[2]
SNIPPETS = sorted(p for p in (ROOT / "snippets").glob("*/*.py") if p.name != "__init__.py")
DOCS = "https://docs.pytorch.org/docs/2.13/"


def targets(source: str, runtime=None) -> dict[str, str | None]:
    """text as written -> documented name, for each torch name in ``source``."""
    lines = source.splitlines()
    return {lines[r.line - 1][r.start : r.end]: r.target for r in references(source, runtime_types=runtime)}


def href(source: str, text: str) -> str | None:
    docmap = load_map()
    for ref in references(source):
        if source.splitlines()[ref.line - 1][ref.start : ref.end] == text and ref.target:
            return docmap.href(ref.target)
    return None


def test_the_map_names_its_docs_version_and_source():
    data = json.loads(MAP.read_text())
    assert data["docs_version"] == "2.13" and data["url"] == DOCS
    assert data["torch_version"].startswith("2.13")
    assert "searchindex.js" in data["source"] or "objects.inv" in data["source"]
    assert len(data["objects"]) > 2000


# 20 names, each with the page a reader must land on (checked by hand against the docs).
SAMPLE = [
    ("import torch\ntorch.autograd.grad(y, x)", "torch.autograd.grad", "generated/torch.autograd.grad.html"),
    ("import torch\nx = torch.ones(2)\nx.backward()", "backward", "generated/torch.Tensor.backward.html"),
    ("import torch\nx = torch.ones(2)\nprint(x.grad)", "grad", "generated/torch.Tensor.grad.html"),
    ("import torch\nx = torch.zeros(2)\nx.requires_grad_()", "requires_grad_", "generated/torch.Tensor.requires_grad_.html"),
    ("import torch\nx = torch.randn(3)\nx.detach()", "detach", "generated/torch.Tensor.detach.html"),
    ("import torch\nwith torch.no_grad():\n    pass", "torch.no_grad", "generated/torch.no_grad.html"),
    ("import torch\ntorch.inference_mode()", "torch.inference_mode", "generated/torch.autograd.grad_mode.inference_mode.html"),
    ("import torch\ntorch.func.vmap(f)", "torch.func.vmap", "generated/torch.func.vmap.html"),
    ("from torch.func import grad\ngrad(f)", "grad", "generated/torch.func.grad.html"),
    ("import torch.nn.functional as F\nF.relu(x)", "F.relu", "generated/torch.nn.functional.relu.html"),
    ("from torch import nn\nnn.Linear(2, 1)", "nn.Linear", "generated/torch.nn.Linear.html"),
    ("from torch import nn\nm = nn.Linear(2, 1)\nm.parameters()", "parameters",
     "generated/torch.nn.Module.html#torch.nn.Module.parameters"),
    ("import torch\nopt = torch.optim.SGD(p, lr=0.1)\nopt.step()", "step", "generated/torch.optim.SGD.html#torch.optim.SGD.step"),
    ("import torch\nopt = torch.optim.Adam(p)\nopt.zero_grad()", "zero_grad",
     "generated/torch.optim.Optimizer.zero_grad.html"),
    ("import torch\nclass F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
     "        ctx.save_for_backward(x)\n        return x", "save_for_backward",
     "generated/torch.autograd.function.FunctionCtx.save_for_backward.html"),
    ("from torch.autograd import gradcheck\ngradcheck(f, (x,))", "gradcheck", "generated/torch.autograd.gradcheck.gradcheck.html"),
    ("import torch\ntorch.library.custom_op('a::b', mutates_args=())", "torch.library.custom_op",
     "library.html#torch.library.custom_op"),
    ("from torch.utils.checkpoint import checkpoint\ncheckpoint(f, x, use_reentrant=False)", "checkpoint",
     "checkpoint.html#torch.utils.checkpoint.checkpoint"),
    ("import torch\ntorch.cuda.is_available()", "torch.cuda.is_available", "generated/torch.cuda.is_available.html"),
    ("import torch.autograd.forward_ad as fwAD\nwith fwAD.dual_level():\n    pass", "fwAD.dual_level",
     "generated/torch.autograd.forward_ad.dual_level.html"),
]


@pytest.mark.parametrize("source, text, page", SAMPLE, ids=[s[1] + "@" + s[2].split("/")[-1] for s in SAMPLE])
def test_a_sample_of_names_resolves_to_the_right_page(source, text, page):
    assert href(source, text) == DOCS + page


def test_aliases_resolve():
    assert targets("import torch.nn.functional as F\nF.mse_loss(a, b)")["F.mse_loss"] == "torch.nn.functional.mse_loss"
    assert targets("from torch.func import grad as g\ng(f)")["g"] == "torch.func.grad"
    assert targets("import torch.autograd.functional as AF\nAF.jacobian(f, x)")["AF.jacobian"] == "torch.autograd.functional.jacobian"
    assert targets("from torch import nn\nnn.Sequential()")["nn.Sequential"] == "torch.nn.Sequential"
    # an alias torch documents under its defining module
    assert targets("import torch\ntorch.set_grad_enabled(False)")["torch.set_grad_enabled"] == \
        "torch.autograd.grad_mode.set_grad_enabled"
    # inherited members resolve to the class that documents them
    assert targets("from torch import nn\nm = nn.Sequential()\nm.zero_grad()")["zero_grad"] == "torch.nn.Module.zero_grad"


def test_tensors_are_known_from_factories_arithmetic_unpacking_and_loops():
    source = (
        "import torch\nfrom torch import nn\n"
        "x = torch.randn(3, requires_grad=True)\n"
        "y = (x * 2).exp()\n"            # arithmetic on a tensor, then a Tensor method
        "(g,) = torch.autograd.grad(y.sum(), x)\n"  # tuple of tensors, unpacked
        "g.norm()\n"
        "for p in nn.Linear(2, 1).parameters():\n"
        "    p.grad\n"
    )
    found = targets(source)
    assert found["exp"] == "torch.Tensor.exp" and found["sum"] == "torch.Tensor.sum"
    assert found["norm"] == "torch.Tensor.norm" and found["grad"] == "torch.Tensor.grad"


def test_runtime_types_type_what_the_text_does_not():
    source = "import helpers\nw = helpers.make()\nw.backward()\n"
    assert "backward" not in targets(source)
    assert targets(source, {"w": "torch.Tensor"})["backward"] == "torch.Tensor.backward"
    module = targets("import helpers\nm = helpers.model()\nm.parameters()\n", {"m": "torch.nn.modules.linear.Linear"})
    assert module["parameters"] == "torch.nn.Module.parameters"


def test_undocumented_torch_names_are_kept_unlinked():
    found = targets("import torch\ntorch._dynamo.explain(f)(x)\nx = torch.ones(1)\nx.grad_fn")
    assert found == {"torch._dynamo.explain": None, "torch.ones": "torch.ones", "grad_fn": None}


def test_non_torch_names_are_not_torch_names():
    assert targets("import math\nimport numpy as np\nnp.sin(math.pi)\nx = [1]\nx.append(2)") == {}


@pytest.mark.parametrize("path", SNIPPETS, ids=lambda p: p.relative_to(ROOT / "snippets").as_posix())
def test_linking_keeps_the_code_text_and_links_only_map_targets(path):
    """The code's text content is unchanged (so the copy button copies the file), every
    documented name is linked, and every href is the page of a documented object."""
    source = _as_shown(path.read_text())
    highlighted = pygments.highlight(source, pygments.lexers.PythonLexer(), pygments.formatters.HtmlFormatter(nowrap=True))
    docmap = load_map()
    refs = references(source)
    linked, count = link_code(highlighted, source, refs, docmap)
    assert html.unescape(re.sub(r"<[^>]*>", "", linked)) == source
    assert count == sum(1 for r in refs if r.target)
    allowed = {docmap.href(name) for name in docmap.objects}
    assert set(re.findall(r'<a href="([^"]+)">', linked)) <= allowed


def test_block_ids_are_file_names_made_unique_on_the_page():
    seen: dict[str, int] = {}
    assert [block_id(t, seen) for t in ("a/x.py", "a/y.py", "b/x.py")] == ["x", "y", "x-2"]
