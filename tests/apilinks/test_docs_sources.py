"""The map of documented objects (docexec/apilinks/torch_docs.json) against the official
docs it was made from: scripts/data/ (read from github.com/pytorch/docs, 2.13/) and the
script that turns them into the map (scripts/apilinks_map.py)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from docexec.apilinks.resolve import MAP, load_map, references

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "scripts" / "data"
DOCS = "https://docs.pytorch.org/docs/2.13/"
ARGS = ["--listing", str(DATA / "pytorch-2.13-generated.txt"), "--in-page", str(DATA / "pytorch-2.13-in-page.txt"),
        "--dtypes", str(DATA / "pytorch-2.13-dtypes.txt")]


def _script():
    spec = importlib.util.spec_from_file_location("apilinks_map", ROOT / "scripts" / "apilinks_map.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def href(source: str, text: str) -> str | None:
    lines = source.splitlines()
    for ref in references(source):
        if lines[ref.line - 1][ref.start : ref.end] == text:
            return load_map().href(ref.target) if ref.target else None
    raise AssertionError(f"{text!r} is not a torch name in the source")


# Names the build listed as "not documented" before the in-page objects were in the map,
# each with the element the 2.13 docs give it (page#id).
NOW_LINKED = [
    ("import torch\nclass Exp(torch.autograd.Function):\n    pass", "torch.autograd.Function",
     "autograd.html#torch.autograd.Function"),
    ("import torch\nwith torch.autograd.detect_anomaly():\n    pass", "torch.autograd.detect_anomaly",
     "autograd.html#torch.autograd.detect_anomaly"),
    ("import torch\nwith torch.autograd.graph.saved_tensors_hooks(pack, unpack):\n    pass",
     "torch.autograd.graph.saved_tensors_hooks", "autograd.html#torch.autograd.graph.saved_tensors_hooks"),
    ("import torch\nwith torch.autograd.graph.save_on_cpu():\n    pass", "torch.autograd.graph.save_on_cpu",
     "autograd.html#torch.autograd.graph.save_on_cpu"),
    ("import torch\ntorch.autograd.graph.register_multi_grad_hook((a, b), fn)", "torch.autograd.graph.register_multi_grad_hook",
     "autograd.html#torch.autograd.graph.register_multi_grad_hook"),
    ("import torch\n@torch.amp.custom_fwd(device_type='cpu')\ndef forward(ctx, x):\n    return x", "torch.amp.custom_fwd",
     "amp.html#torch.amp.custom_fwd"),
    ("import torch\n@torch.amp.custom_bwd(device_type='cpu')\ndef backward(ctx, g):\n    return g", "torch.amp.custom_bwd",
     "amp.html#torch.amp.custom_bwd"),
    ("import torch\nwith torch.autocast('cpu', dtype=torch.bfloat16):\n    pass", "torch.autocast", "amp.html#torch.autocast"),
    ("import torch\nwith torch.amp.autocast('cpu'):\n    pass", "torch.amp.autocast", "amp.html#torch.autocast"),  # same object
    ("import torch\ntorch.nn.init.normal_(w)", "torch.nn.init.normal_", "nn.init.html#torch.nn.init.normal_"),
    ("from torch import nn\nnn.init.normal_(w, std=0.1)", "nn.init.normal_", "nn.init.html#torch.nn.init.normal_"),
    ("import torch\nisinstance(x, torch.Tensor)", "torch.Tensor", "tensors.html#torch.Tensor"),
    ("import torch\nx = torch.ones(2, 3)\nx.T", "T", "tensors.html#torch.Tensor.T"),
    ("import torch\nopt = torch.optim.Optimizer", "torch.optim.Optimizer", "optim.html#torch.optim.Optimizer"),
    # dtypes have no element of their own: the docs list them in a table under torch.dtype
    ("import torch\ntorch.zeros(2, dtype=torch.float32)", "torch.float32", "tensor_attributes.html#torch.dtype"),
    ("import torch\nwith torch.autocast('cpu', dtype=torch.bfloat16):\n    pass", "torch.bfloat16",
     "tensor_attributes.html#torch.dtype"),
    ("import torch\ntorch.ones(1, dtype=torch.bool)", "torch.bool", "tensor_attributes.html#torch.dtype"),
]


@pytest.mark.parametrize("source, text, page", NOW_LINKED, ids=[case[1] for case in NOW_LINKED])
def test_in_page_objects_link_to_their_element(source, text, page):
    assert href(source, text) == DOCS + page


def test_what_the_docs_do_not_document_stays_plain():
    # amp.html names torch.amp.GradScaler in a cross-reference Sphinx could not resolve:
    # 2.13 documents only the deprecated torch.cuda.amp.GradScaler and torch.cpu.amp.GradScaler.
    assert href("import torch\ntorch.amp.GradScaler('cpu')", "torch.amp.GradScaler") is None
    assert load_map().href("torch.cuda.amp.GradScaler") == DOCS + "amp.html#torch.cuda.amp.GradScaler"
    # Tensor attributes the 2.13 docs give no entry (tensors.html documents only H, T, mH, mT in-page)
    x = "import torch\nx = torch.ones(1, requires_grad=True) * 2\n"
    assert href(x + "x.grad_fn", "grad_fn") is None and href(x + "x.dtype", "dtype") is None
    assert href("import torch\ntorch.relu(x)", "torch.relu") is None


# Elements read in the built HTML of 2.13 (pytorch/docs, read_file, 2026-12-04): the page
# has an element with this id, which is the object's anchor in the map.
HTML_IDS = {
    "autograd.html": [
        "torch.autograd.Function", "torch.autograd.function.FunctionCtx", "torch.autograd.function.FunctionMeta",
        "torch.autograd.profiler.profile", "torch.autograd.profiler.emit_itt", "torch.autograd.detect_anomaly",
        "torch.autograd.graph.saved_tensors_hooks", "torch.autograd.graph.save_on_cpu",
        "torch.autograd.graph.disable_saved_tensors_hooks", "torch.autograd.graph.region_activation_memory_budget",
        "torch.autograd.graph.set_warn_on_accumulate_grad_stream_mismatch",
        "torch.autograd.graph.set_override_stale_capture_stream",
    ],
    "amp.html": [
        "torch.amp.autocast_mode.is_autocast_available", "torch.autocast", "torch.amp.custom_fwd", "torch.amp.custom_bwd",
        "torch.cuda.amp.autocast", "torch.cuda.amp.custom_fwd", "torch.cuda.amp.custom_bwd", "torch.cpu.amp.autocast",
        "torch.cuda.amp.GradScaler", "torch.cpu.amp.GradScaler",
    ],
    "nn.init.html": [f"torch.nn.init.{name}" for name in ("uniform_", "normal_", "constant_", "ones_", "zeros_", "eye_", "dirac_")],
    "tensor_attributes.html": ["torch.dtype"],
    "tensors.html": ["torch.Tensor", "torch.Tensor.__init__", "torch.Tensor.T", "torch.Tensor.H", "torch.Tensor.mT",
                     "torch.Tensor.mH"],
}
# The "On this page" list of autograd.html: every object documented in that page.
AUTOGRAD_PAGE_OBJECTS = {
    "torch.autograd.Function", "torch.autograd.function.FunctionCtx", "torch.autograd.function.FunctionMeta",
    "torch.autograd.profiler.profile", "torch.autograd.profiler.emit_nvtx", "torch.autograd.profiler.emit_itt",
    "torch.autograd.detect_anomaly", "torch.autograd.set_detect_anomaly", "torch.autograd.graph.saved_tensors_hooks",
    "torch.autograd.graph.save_on_cpu", "torch.autograd.graph.disable_saved_tensors_hooks",
    "torch.autograd.graph.register_multi_grad_hook", "torch.autograd.graph.allow_mutation_on_saved_tensors",
    "torch.autograd.graph.GradientEdge", "torch.autograd.graph.get_gradient_edge",
    "torch.autograd.graph.region_activation_memory_budget",
    "torch.autograd.graph.set_warn_on_accumulate_grad_stream_mismatch", "torch.autograd.graph.set_override_stale_capture_stream",
}


def test_the_anchors_checked_in_the_html_are_the_maps():
    docmap = load_map()
    checked = [(page, name) for page, names in HTML_IDS.items() for name in names]
    assert len(checked) == 36
    for page, name in checked:
        assert docmap.href(name) == f"{DOCS}{page}#{name}"
    on_autograd_page = {name for name in docmap.objects if docmap.href(name).startswith(DOCS + "autograd.html#")}
    assert on_autograd_page == AUTOGRAD_PAGE_OBJECTS


def test_every_target_in_the_map_is_from_a_listed_source():
    script = _script()
    data = json.loads(MAP.read_text())
    docmap = load_map()
    listing = script.read_listing(DATA / "pytorch-2.13-generated.txt")
    in_page = script.read_in_page(DATA / "pytorch-2.13-in-page.txt")
    dtypes = script.read_dtypes(DATA / "pytorch-2.13-dtypes.txt")
    assert not (set(listing) & set(in_page)) and not (set(dtypes) & (set(listing) | set(in_page)))
    members = set(data["members"])
    for name, compact in data["objects"].items():  # page#anchor, written short (see compact() in the script)
        target = f"generated/{name}.html#{name}" if compact == "" else compact + name if compact.endswith("#") else compact
        if name in members:  # a member on its class's own generated page, the class being listed
            cls = name.rsplit(".", 1)[0]
            assert listing.get(cls) == f"generated/{cls}.html#{cls}" and target == f"generated/{cls}.html#{name}", name
        else:
            assert target == {**listing, **in_page, **dtypes}.get(name), name
    assert set(data["objects"]) == set(listing) | set(in_page) | set(dtypes) | members
    assert docmap.href("torch.Tensor.abs") == DOCS + "generated/torch.Tensor.abs.html"  # a generated page: no anchor
    # the map names its sources, with what each gave
    counts = {source["file"]: source["objects"] for source in data["sources"]}
    assert counts == {"scripts/data/pytorch-2.13-generated.txt": len(listing),
                      "scripts/data/pytorch-2.13-in-page.txt": len(in_page),
                      "scripts/data/pytorch-2.13-dtypes.txt": len(dtypes), "": len(members)}


def test_in_page_objects_are_on_pages_outside_generated():
    in_page = _script().read_in_page(DATA / "pytorch-2.13-in-page.txt")
    assert len(in_page) > 600
    assert not any(target.startswith("generated/") for target in in_page.values())
    assert all(target.split("#")[1] == name for name, target in in_page.items())  # anchor "": the full name
    header = (DATA / "pytorch-2.13-in-page.txt").read_text()
    assert "5ee5dacd3c8a8f1010cc1d743a84528afafdca07" in header and "searchindex.js" in header


def test_the_committed_map_is_the_scripts_output(tmp_path):
    out = tmp_path / "torch_docs.json"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "apilinks_map.py"), *ARGS, "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert out.read_text() == MAP.read_text()
