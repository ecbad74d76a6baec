"""Write docexec/apilinks/torch_docs.json: which PyTorch objects have a page in the
official documentation, where, and what the resolver needs to know about them.

    .venv/bin/python scripts/apilinks_map.py --inventory objects.inv      # preferred
    .venv/bin/python scripts/apilinks_map.py --listing scripts/data/pytorch-2.13-generated.txt \
        --in-page scripts/data/pytorch-2.13-in-page.txt --dtypes scripts/data/pytorch-2.13-dtypes.txt

The documentation version is the installed torch's major.minor (the site's torch,
pinned in pyproject.toml). Sources, best first:

- ``--inventory``: the Sphinx inventory of that version, a local copy of
  https://docs.pytorch.org/docs/<version>/objects.inv (also in the public repository
  pytorch/docs, folder <version>/). Every documented Python object, with its page and
  anchor, exactly as Sphinx resolves cross-references.
- ``--listing`` + ``--in-page`` (+ ``--dtypes``), from the built docs in pytorch/docs
  (what the sessions that wrote this could read: no network, and the snapshot is 822 MB;
  the map's "sources" field says which files it came from):
  - the pages under generated/ (one page per object, anchor = the object's name, as Sphinx
    autosummary writes them), read from the docnames of <version>/searchindex.js;
  - the objects documented inside other pages (autograd.html#torch.autograd.Function,
    amp.html#torch.autocast, ...), copied from the "objects" table of the same
    searchindex.js, which is the inventory's content: page and element id of every object;
  - the dtypes (torch.float32, ...), which the docs list in a table under torch.dtype of
    tensor_attributes.html without an element of their own: they link to that class.
  Re-run with ``--inventory`` where docs.pytorch.org is reachable.

Links only ever point at objects from one of these sources. The installed torch is
imported only to complete that set with what the docs imply, never to invent pages:

- aliases: a public name whose object is documented under another name
  (``torch.inference_mode`` is documented as ``torch.autograd.grad_mode.inference_mode``;
  ``torch.nn.modules.linear.Linear``, a runtime type name, is ``torch.nn.Linear``);
- bases: for each documented class, its nearest documented base classes, so that
  ``model.parameters()`` on a ``torch.nn.Sequential`` finds ``torch.nn.Module.parameters``;
- members documented on a class's generated page (``:members:``: public, with a
  docstring, defined in the class itself), anchored at their full name and listed in the
  map's "members" (with ``--inventory`` the inventory already holds them);
- return types: which documented callables return a Tensor ("T") or a tuple/list of
  Tensors ("T*"), from torch's own type stubs and annotations, so that the resolver
  knows ``x = torch.randn(3)`` makes ``x`` a tensor.

Why not a library: sphobjinv reads objects.inv well, but an inventory is 4 header lines
and zlib-compressed ``name domain:role priority uri dispname`` lines (``read_inventory``
below, 15 lines); a dependency for that would also not read the listing fallback.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import json
import re
import sys
import warnings
import zlib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docexec" / "apilinks" / "torch_docs.json"
DOCS = "https://docs.pytorch.org/docs/{version}/"

# Namespaces whose public names are checked for aliases of documented objects.
ALIAS_MODULES = [
    "torch", "torch.autograd", "torch.autograd.graph", "torch.autograd.function", "torch.autograd.forward_ad",
    "torch.autograd.functional", "torch.func", "torch.nn", "torch.nn.functional", "torch.nn.utils", "torch.optim",
    "torch.cuda", "torch.amp", "torch.library", "torch.compiler", "torch.linalg", "torch.utils.checkpoint",
    "torch.nn.init", "torch.utils",
]


def read_inventory(data: bytes) -> dict[str, str]:
    """Python objects of a Sphinx objects.inv (version 2): name -> page#anchor."""
    lines = data.split(b"\n", 4)
    if not lines[0].startswith(b"# Sphinx inventory version 2"):
        raise SystemExit("not a Sphinx inventory version 2")
    objects = {}
    for line in zlib.decompress(lines[4]).decode("utf-8").splitlines():
        match = re.match(r"(?x)(.+?)\s+(\S+):(\S+)\s+(-?\d+)\s+(\S*)\s+(.*)", line)
        if match and match[2] == "py" and match[1].startswith("torch"):
            objects[match[1]] = match[5].replace("$", match[1]) if match[5].endswith("$") else match[5]
    return objects


def read_listing(listing: Path) -> dict[str, str]:
    """The listing's objects: page generated/NAME.html, anchor NAME."""
    objects = {}
    for line in listing.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            prefix, _, names = line.partition(":")
            for name in names.split():
                full = f"{prefix.strip()}.{name}"
                objects[full] = f"generated/{full}.html#{full}"
    return objects


def read_in_page(path: Path) -> dict[str, str]:
    """Objects documented inside other pages, from entries of searchindex.js's "objects"
    table (``PREFIX [[doc, objtype, priority, anchor, name], ...]``) and its doc names
    (``@doc INDEX DOCNAME``) and object types (``@objtypes {...}``)."""
    docs: dict[int, str] = {}
    objtypes: dict[str, str] = {}
    objects = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("@doc "):
            _, index, docname = line.split()
            docs[int(index)] = docname
        elif line.startswith("@objtypes "):
            objtypes = json.loads(line.partition(" ")[2])
        else:
            prefix, _, entries = line.partition(" ")
            for doc, objtype, _priority, anchor, name in json.loads(entries):
                full = f"{prefix}.{name}"
                if docs[doc].startswith("generated/") or objtypes[str(objtype)] == "py:module":
                    raise SystemExit(f"{path.name}: {full} is not an in-page object")
                if anchor == "":
                    anchor = full
                elif anchor == "-":
                    anchor = f"{objtypes[str(objtype)].split(':')[1]}-{full}"
                objects[full] = f"{docs[doc]}.html#{anchor}"
    return objects


def read_dtypes(path: Path) -> dict[str, str]:
    """The dtypes the docs list in a table (``PAGE: page#anchor`` then names), each a
    torch.dtype of the installed torch."""
    import torch

    page, objects = None, {}
    for line in path.read_text().splitlines():
        if line.startswith("PAGE:"):
            page = line.partition(":")[2].strip()
        elif line.strip() and not line.startswith("#"):
            for name in line.split():
                if not isinstance(resolve_object(name), torch.dtype):
                    raise SystemExit(f"{path.name}: {name} is not a torch.dtype")
                objects[name] = page
    return objects


def annotation_kind(text: str) -> str | None:
    text = re.sub(r"(?:\w+\.)+(\w+)", r"\1", text.replace(" ", "").replace("'", ""))  # torch.nn.Parameter -> Parameter
    if text in {"Tensor", "Parameter"}:
        return "T"
    text = re.sub(r"\|None$", "", text)
    if text in {"Tensor", "Parameter"}:
        return "T"
    if re.fullmatch(r"(tuple|Tuple|list|List|Sequence|Iterator|Iterable)\[(Tensor|Parameter)(,Tensor)*(,\.\.\.)?\](\|.*)?", text):
        return "T*"
    return None


def stub_returns(path: Path, prefix: str, cls: str | None = None) -> dict[str, str]:
    """name -> kind for functions (or methods of ``cls``) of a .pyi, when every overload agrees."""
    tree = ast.parse(path.read_text())
    body = tree.body
    if cls:
        body = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls).body
    kinds: dict[str, set] = {}
    for node in body:
        if isinstance(node, ast.FunctionDef) and node.returns is not None:
            kinds.setdefault(node.name, set()).add(annotation_kind(ast.unparse(node.returns)))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):  # attributes: grad: Tensor | None
            kinds.setdefault(node.target.id, set()).add(annotation_kind(ast.unparse(node.annotation)))
    return {f"{prefix}.{k}": v.pop() for k, v in kinds.items() if len(v) == 1 and None not in v}


def resolve_object(name: str):
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for part in parts[i:]:
                obj = getattr(obj, part)
        except Exception:  # AttributeError, or a lazy object that needs a GPU (torch.backends.cuda.cufft_plan_cache)
            return None
        return obj
    return None


def canonical(obj) -> str | None:
    try:
        module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    except Exception:  # a lazy object that needs a GPU to answer
        return None
    if isinstance(module, str) and isinstance(qualname, str) and "<" not in qualname and "pybind11_" not in qualname:
        return f"{module}.{qualname}"  # (pybind11's generated record types name no public object)
    return None


def complete(objects: dict[str, str]) -> dict:
    import torch  # noqa: F401  (the site's torch: the one whose docs these are)

    warnings.filterwarnings("ignore", category=UserWarning)  # deprecated objects still documented (TypedStorage)

    documented = set(objects)
    by_canonical: dict[str, str] = {}
    classes = {}
    for name in sorted(documented, key=lambda n: (n.count("."), n)):
        obj = resolve_object(name)
        if obj is None:
            continue
        key = canonical(obj)
        if key and key != name and key not in documented:
            by_canonical.setdefault(key, name)
        if inspect.isclass(obj):
            classes[name] = obj
    # classes not documented themselves whose members are (torch.optim.Optimizer.step,
    # torch.autograd.Function.forward): a namespace for bases and runtime type names
    holders = {}
    for name in sorted({n.rsplit(".", 1)[0] for n in documented} - documented):
        obj = resolve_object(name)
        if inspect.isclass(obj):
            holders[name] = obj
            key = canonical(obj)
            if key and key != name:
                by_canonical.setdefault(key, name)
    # members documented on a class's own generated page (with a listing: not in it)
    members = []
    for name, cls in classes.items():
        page = objects[name].split("#")[0]
        if page != f"generated/{name}.html":
            continue
        for attr, value in vars(cls).items():
            full = f"{name}.{attr}"
            if attr.startswith("_") or full in objects:
                continue
            func = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
            if isinstance(func, property) or callable(func):
                if inspect.getdoc(func):
                    objects[full] = f"{page}#{full}"
                    members.append(full)
    documented = set(objects)
    aliases = dict(by_canonical)
    for module_name in ALIAS_MODULES:
        module = importlib.import_module(module_name)
        for attr in dir(module):
            alias = f"{module_name}.{attr}"
            if attr.startswith("_") or alias in documented:
                continue
            try:
                value = getattr(module, attr)
            except Exception:
                continue
            key = canonical(value)
            target = key if key in documented else by_canonical.get(key or "")
            if target and target != alias:
                aliases[alias] = target
    bases = {}
    known = documented | set(holders)
    for name, cls in {**classes, **holders}.items():
        found = []
        for base in cls.__mro__[1:]:
            key = canonical(base)
            doc = key if key in known else by_canonical.get(key or "")
            if doc and doc != name and doc not in found:
                found.append(doc)
        if found:
            bases[name] = found
    site = Path(torch.__file__).parent
    returns = {}
    returns.update(stub_returns(site / "_C" / "_VariableFunctions.pyi", "torch"))
    returns.update(stub_returns(site / "_C" / "__init__.pyi", "torch.Tensor", cls="TensorBase"))
    returns.update(stub_returns(site / "nn" / "functional.pyi", "torch.nn.functional"))
    for name in documented:
        obj = resolve_object(name)
        if name not in returns and callable(obj) and not inspect.isclass(obj):
            try:
                annotation = inspect.signature(obj).return_annotation
            except (TypeError, ValueError):
                continue
            if annotation is not inspect.Signature.empty:
                text = annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)
                kind = annotation_kind(text)
                if kind:
                    returns[name] = kind
    returns = {k: v for k, v in returns.items() if k in documented or k in aliases}
    modules = sorted({n.rsplit(".", i)[0] for n in known for i in range(1, n.count(".") + 1)
                      if inspect.ismodule(resolve_object(n.rsplit(".", i)[0]))} | set(ALIAS_MODULES))
    return {"aliases": aliases, "bases": bases, "returns": returns, "modules": modules,
            "classes": sorted(set(classes) | set(holders)), "members": sorted(members)}


def compact(objects: dict[str, str]) -> dict[str, str]:
    """page#anchor -> "" for the usual generated/NAME.html#NAME, else as it is."""
    out = {}
    for name, target in sorted(objects.items()):
        if target == f"generated/{name}.html#{name}":
            out[name] = ""
        elif target.endswith(f"#{name}"):
            out[name] = target[: -len(name) - 1] + "#"
        else:
            out[name] = target
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inventory", type=Path, help="objects.inv of the docs version")
    parser.add_argument("--listing", type=Path, help="generated/ pages of the docs version (see docstring)")
    parser.add_argument("--in-page", type=Path, help="objects documented inside other pages (with --listing)")
    parser.add_argument("--dtypes", type=Path, help="the docs' table of dtypes (with --listing)")
    parser.add_argument("--docs-version", help="the docs version the source is from (default: torch's major.minor)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    torch_version = metadata.version("torch").split("+")[0]
    wanted = ".".join(torch_version.split(".")[:2])
    version = args.docs_version or wanted
    if args.inventory:
        objects = read_inventory(args.inventory.read_bytes())
        source = f"objects.inv of {DOCS.format(version=version)}"
        sources = [{"file": str(args.inventory), "objects": len(objects), "from": source}]
    elif args.listing:
        objects = read_listing(args.listing)
        sources = [{"file": f"scripts/data/{args.listing.name}", "objects": len(objects),
                    "from": f"docnames of {version}/searchindex.js, github.com/pytorch/docs"}]
        for path, reader, origin in ((args.in_page, read_in_page, f'"objects" of {version}/searchindex.js, github.com/pytorch/docs'),
                                     (args.dtypes, read_dtypes, f"the dtype tables of {version}/tensor_attributes.html, github.com/pytorch/docs")):
            if path:
                found = reader(path)
                clash = sorted(set(found) & set(objects))
                if clash:
                    raise SystemExit(f"{path.name}: already in another source: {clash[:5]}")
                objects.update(found)
                sources.append({"file": f"scripts/data/{path.name}", "objects": len(found), "from": origin})
        source = (f"built docs {version} in github.com/pytorch/docs: generated/ pages and in-page objects listed in "
                  f"{version}/searchindex.js, dtypes from {version}/tensor_attributes.html")
    else:
        parser.error("give --inventory or --listing")
    extra = complete(objects)
    if extra["members"]:
        sources.append({"file": "", "objects": len(extra["members"]),
                        "from": "members of classes documented on their own generated/ page: the methods and properties "
                                "with a docstring that torch's class defines itself (Sphinx :members:), listed in \"members\""})
    data = {
        "docs_version": version,
        "torch_version": torch_version,
        "url": DOCS.format(version=version),
        "source": source,
        "sources": sources,
        "note": "" if version == wanted else f"torch {torch_version} has no docs {wanted}; nearest available: {version}",
        "objects": compact(objects),
        **extra,
    }
    args.out.write_text(json.dumps(data, indent=0, sort_keys=True, separators=(",", ":")) + "\n")
    print(f"{args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}: {len(objects)} objects, "
          f"{len(extra['aliases'])} aliases, {len(extra['returns'])} return types, docs {version}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
