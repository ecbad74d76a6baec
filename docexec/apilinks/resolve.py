"""Which names in a Python snippet are PyTorch objects, and which documented object each is.

Static, from the snippet's own text (``ast``): imports and aliases
(``import torch.nn.functional as F``, ``from torch.func import grad``), attribute chains
(``torch.autograd.grad``), classes and their methods (``nn.Linear``, a class deriving
from ``torch.autograd.Function`` and its ``apply``, ``ctx`` in its static methods), and
the values a name holds, so that methods on tensors resolve (``x.backward()``):

- a call of a documented function returns what torch's own type stubs say it returns
  (``returns`` in the map: "T" a Tensor, "T*" a tuple or list of Tensors);
- calling a documented class makes an instance of it (``model = nn.Linear(2, 1)``);
- arithmetic, comparisons and indexing with a tensor operand make a tensor;
- unpacking or iterating a "T*" value gives tensors (``(g,) = torch.autograd.grad(...)``,
  ``for p in model.parameters()``).

Optionally, ``runtime_types`` (name -> qualified type of each global when the program
ended, as the executor can report it, e.g. ``{"x": "torch.Tensor"}``) gives the type of a
global that the text alone does not tell (a tensor returned by a helper, a closure...).
It is used only where static inference found nothing.

One pass, in program order, flow-insensitive within a scope; no third-party type checker
(mypy or pyright would need torch's stubs loaded, seconds per build, for the same answer
on programs of 40 lines).
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MAP = Path(__file__).with_name("torch_docs.json")


class DocMap:
    """The committed map of documented objects (scripts/apilinks_map.py)."""

    def __init__(self, data: dict):
        self.data = data
        self.url = data["url"]
        self.objects: dict[str, str] = data["objects"]
        self.aliases: dict[str, str] = data["aliases"]
        self.bases: dict[str, list[str]] = data["bases"]
        self.returns: dict[str, str] = data["returns"]
        self.modules = set(data["modules"])
        self.classes = set(data["classes"])

    def canonical(self, name: str) -> str:
        return self.aliases.get(name, name)

    def documented(self, name: str) -> str | None:
        name = self.canonical(name)
        return name if name in self.objects else None

    def href(self, name: str) -> str:
        target = self.objects[name]
        if target == "":  # generated/NAME.html: the page is the object
            return f"{self.url}generated/{name}.html"
        if target.endswith("#"):
            return f"{self.url}{target}{name}"
        return self.url + target

    def member(self, cls: str, attr: str, seen=None) -> str | None:
        """The documented name of ``cls.attr``, looking through documented bases."""
        seen = seen or set()
        cls = self.canonical(cls)
        if cls in seen:
            return None
        seen.add(cls)
        name = f"{cls}.{attr}"
        if self.documented(name) or name in self.returns:
            return self.canonical(name)
        for base in self.bases.get(cls, []):
            found = self.member(base, attr, seen)
            if found:
                return found
        return None


@lru_cache(maxsize=1)
def load_map(path: str = str(MAP)) -> DocMap:
    return DocMap(json.loads(Path(path).read_text()))


# What an expression is, statically
@dataclass(frozen=True)
class Mod:  # a module: torch, torch.nn.functional
    name: str


@dataclass(frozen=True)
class Obj:  # an API object: torch.autograd.grad, torch.nn.Linear
    name: str


@dataclass(frozen=True)
class Inst:  # an instance of a torch class: torch.Tensor, torch.nn.Linear
    cls: str


@dataclass(frozen=True)
class Bound:  # a documented member looked up on an instance: x.sum, model.parameters
    name: str


@dataclass(frozen=True)
class Seq:  # a tuple/list/iterator of instances
    cls: str


@dataclass
class Local:  # a class defined in the snippet
    name: str
    bases: list  # Obj/Local
    methods: set = field(default_factory=set)


TENSOR = "torch.Tensor"


@dataclass(frozen=True)
class Ref:
    line: int  # 1-based
    start: int  # column of the first character (characters, not bytes)
    end: int  # column after the last character
    name: str  # the torch name as written/resolved (torch.Tensor.backward, torch.inference_mode)
    target: str | None  # the documented object it links to; None: not documented
    runtime: bool = False  # needed the runtime types to resolve


def _columns(source: str):
    lines = source.splitlines()

    def col(lineno: int, byte_col: int) -> int:
        line = lines[lineno - 1] if lineno - 1 < len(lines) else ""
        return len(line.encode("utf-8")[:byte_col].decode("utf-8", "replace"))

    return lines, col


class _Resolver(ast.NodeVisitor):
    def __init__(self, source: str, docmap: DocMap, runtime_types: dict[str, str] | None):
        self.docmap = docmap
        self.lines, self.col = _columns(source)
        self.scopes: list[dict] = [{}]
        self.refs: list[Ref] = []
        self.runtime: dict[str, object] = {}
        for name, qualname in (runtime_types or {}).items():
            value = self._from_type(qualname)
            if value is not None:
                self.runtime[name] = value
        self.used_runtime = False
        self.imported: set[str] = set()  # modules named by import statements, and their parents

    # -- environment
    def lookup(self, name: str):
        for depth in range(len(self.scopes) - 1, -1, -1):
            scope = self.scopes[depth]
            if name in scope:
                if scope[name] is None and depth == 0 and name in self.runtime:
                    break  # a global the text does not type: ask the run
                return scope[name]
        if name in self.runtime:
            self._pending_runtime = True
            return self.runtime[name]
        return None

    def bind(self, name: str, value):
        self.scopes[-1][name] = value

    def _from_type(self, qualname: str):
        if qualname in ("torch.nn.parameter.Parameter", "torch.nn.Parameter"):
            return Inst(TENSOR)
        doc = self.docmap.canonical(qualname)
        if doc == TENSOR or doc in self.docmap.classes or self.docmap.documented(doc):
            return Inst(doc)
        return None

    def _known(self, dotted: str) -> bool:
        canonical = self.docmap.canonical(dotted)
        return canonical in self.docmap.objects or canonical in self.docmap.classes or canonical in self.docmap.returns

    def _value_of_name(self, dotted: str):
        """A dotted torch name as a value: module, documented object, or alias."""
        if self._known(dotted) and dotted not in self.imported:
            return Obj(dotted)
        if dotted in self.docmap.modules or dotted in self.imported:
            return Mod(dotted)
        if dotted.startswith("torch"):
            return Obj(dotted)  # a torch name nobody documents: shown as not linked
        return None

    # -- references
    def add(self, node_start: tuple[int, int], node_end: tuple[int, int], name: str):
        (l1, c1), (l2, c2) = node_start, node_end
        if l1 != l2:  # a chain over lines: only its last name
            text = name.rsplit(".", 1)[-1]
            l1, c1 = l2, c2 - len(text)
        target = self.docmap.documented(name)
        if target is None and "." in name:
            owner, _, attr = name.rpartition(".")
            target = self.docmap.member(owner, attr) if owner in self.docmap.classes else None
            target = self.docmap.documented(target) if target else None
        self.refs.append(Ref(l1, c1, c2, name, target, self._pending_runtime))

    # -- expressions
    def expr(self, node):
        """Visit an expression: record references in it; return what it is."""
        self._pending_runtime = False
        return self._expr(node)

    def _expr(self, node):
        if node is None:
            return None
        if isinstance(node, ast.Name):
            value = self.lookup(node.id)
            if isinstance(value, Obj):
                self.add(self._start(node), self._end(node), value.name)
            return value
        if isinstance(node, ast.Attribute):
            base = self._chain_base(node)
            value = self._expr_attr(node, base)
            return value
        if isinstance(node, ast.Call):
            func = self._expr(node.func)
            for arg in node.args:
                self._expr(arg)
            for kw in node.keywords:
                self._expr(kw.value)
            return self._call(func)
        if isinstance(node, (ast.BinOp,)):
            left, right = self._expr(node.left), self._expr(node.right)
            return Inst(TENSOR) if Inst(TENSOR) in (left, right) else None
        if isinstance(node, ast.UnaryOp):
            value = self._expr(node.operand)
            return value if value == Inst(TENSOR) else None
        if isinstance(node, ast.Compare):
            values = [self._expr(node.left)] + [self._expr(c) for c in node.comparators]
            return Inst(TENSOR) if Inst(TENSOR) in values and not isinstance(node.ops[0], (ast.Is, ast.IsNot, ast.In, ast.NotIn)) else None
        if isinstance(node, ast.Subscript):
            value = self._expr(node.value)
            self._expr(node.slice)
            if value == Inst(TENSOR):
                return Inst(TENSOR)
            if isinstance(value, Seq):
                return Inst(value.cls)
            return None
        if isinstance(node, ast.Lambda):
            self.scopes.append({a.arg: None for a in node.args.args})
            self._expr(node.body)
            self.scopes.pop()
            return None
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            self.scopes.append({})
            for gen in node.generators:
                self.assign(gen.target, self._iter_item(self._expr(gen.iter)))
                for cond in gen.ifs:
                    self._expr(cond)
            if isinstance(node, ast.DictComp):
                self._expr(node.key)
                self._expr(node.value)
            else:
                self._expr(node.elt)
            self.scopes.pop()
            return None
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items = [self._expr(e) for e in node.elts]
            if items and all(i == Inst(TENSOR) for i in items):
                return Seq(TENSOR)
            return None
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self._expr(child)
        return None

    def _chain_base(self, node):
        while isinstance(node, ast.Attribute):
            node = node.value
        return node

    def _expr_attr(self, node: ast.Attribute, base):
        # a chain rooted at a module name links as a whole: torch.autograd.grad, F.relu
        chain = []
        cur = node
        while isinstance(cur, ast.Attribute):
            chain.append(cur.attr)
            cur = cur.value
        if isinstance(cur, ast.Name):
            root = self.lookup(cur.id)
            if isinstance(root, Mod):
                chain.reverse()
                dotted = root.name
                value = root
                for i, attr in enumerate(chain):
                    dotted = f"{dotted}.{attr}"
                    value = self._value_of_name(dotted)
                    known = isinstance(value, Obj) and self._known(value.name)
                    if known or (value is None) or (isinstance(value, Obj) and i == len(chain) - 1):
                        # link from the root name to this attribute; the rest hangs off it
                        sub = node
                        for _ in range(len(chain) - 1 - i):
                            sub = sub.value
                        if isinstance(value, Obj):
                            self.add(self._start(cur), self._end(sub), value.name)
                        return self._member_refs(node, sub) if sub is not node else value
                return value
        owner = self._expr(node.value)
        return self._attr_of(owner, node.attr, node)

    def _member_refs(self, node, sub):
        """Re-walk the attributes after ``sub`` (an object) to record them."""
        attrs = []
        cur = node
        while cur is not sub:
            attrs.append(cur)
            cur = cur.value
        value = self._value_of_name_node(sub)
        for attr_node in reversed(attrs):
            value = self._attr_of(value, attr_node.attr, attr_node)
        return value

    def _value_of_name_node(self, sub):
        parts = []
        cur = sub
        while isinstance(cur, ast.Attribute):
            parts.append(cur.attr)
            cur = cur.value
        root = self.lookup(cur.id)
        return self._value_of_name(".".join([root.name] + parts[::-1]))

    def _attr_of(self, owner, attr: str, node):
        """``owner.attr``: record a reference when it names a torch object."""
        name = None
        result = None
        if isinstance(owner, Mod):
            result = self._value_of_name(f"{owner.name}.{attr}")
            name = result.name if isinstance(result, Obj) else None
        elif isinstance(owner, Obj):
            canonical = self.docmap.canonical(owner.name)
            if canonical in self.docmap.classes:  # a class's attribute: nn.Module.forward
                found = self.docmap.member(canonical, attr)
                name = found or f"{owner.name}.{attr}"
                result = Obj(name)
            elif not self.docmap.documented(canonical) and canonical not in self.docmap.returns:
                name = f"{owner.name}.{attr}"  # deeper in an undocumented torch name: torch._dynamo.config.patch
                result = Obj(name)
        elif isinstance(owner, Inst):
            found = self.docmap.member(owner.cls, attr)
            if found:
                name = found
                kind = self.docmap.returns.get(found)
                if kind and found not in self.docmap.classes and self._is_attribute(found):
                    result = Inst(TENSOR) if kind == "T" else Seq(TENSOR)
                else:
                    result = Bound(found)
            elif owner.cls == TENSOR and not attr.startswith("__"):
                name = f"{TENSOR}.{attr}"  # a Tensor attribute the docs do not have
                result = None
        elif isinstance(owner, Local):
            if attr in owner.methods:
                return None
            for base in owner.bases:
                value = self._attr_of(base, attr, None) if isinstance(base, Local) else None
                if value is not None:
                    return value
                if isinstance(base, Obj):
                    found = self.docmap.member(self.docmap.canonical(base.name), attr)
                    if found:
                        name, result = found, Obj(found)
                        break
        if name and node is not None:
            end = self._end(node)
            self.add((end[0], end[1] - len(attr)), end, name)
        return result

    def _is_attribute(self, name: str) -> bool:
        # grad, data, T: attributes whose value is a tensor (no call needed)
        return name.rsplit(".", 1)[-1] in {"grad", "data", "T", "mT", "H", "mH", "real", "imag"}

    def _call(self, func):
        if isinstance(func, (Obj, Bound)):
            canonical = self.docmap.canonical(func.name)
            kind = self.docmap.returns.get(canonical) or self.docmap.returns.get(func.name)
            if kind == "T":
                return Inst(TENSOR)
            if kind == "T*":
                return Seq(TENSOR)
            if canonical in self.docmap.classes:
                return Inst(canonical)
            return None
        if isinstance(func, Inst) and func.cls != TENSOR:
            return None  # calling a module instance: its forward; type unknown
        if isinstance(func, Local):
            return func
        return None

    def _iter_item(self, value):
        if isinstance(value, Seq):
            return Inst(value.cls)
        if value == Inst(TENSOR):
            return Inst(TENSOR)
        return None

    # -- statements
    def assign(self, target, value):
        if isinstance(target, ast.Name):
            self.bind(target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            item = self._iter_item(value) if isinstance(value, Seq) else None
            for elt in target.elts:
                self.assign(elt.value if isinstance(elt, ast.Starred) else elt, item)
        else:
            self._expr(target)

    def visit_Import(self, node):
        for alias in node.names:
            parts = alias.name.split(".")
            self.imported.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
            if alias.asname:
                self.bind(alias.asname, self._value_of_name(alias.name) if alias.name.startswith("torch") else None)
            else:
                top = alias.name.split(".")[0]
                self.bind(top, Mod(top) if top == "torch" else None)

    def visit_ImportFrom(self, node):
        module = node.module or ""
        for alias in node.names:
            value = self._value_of_name(f"{module}.{alias.name}") if module.startswith("torch") else None
            self.bind(alias.asname or alias.name, value)
            if isinstance(value, Obj) and alias.lineno:
                self.add((alias.lineno, self.col(alias.lineno, alias.col_offset)),
                         (alias.lineno, self.col(alias.lineno, alias.col_offset) + len(alias.name)), value.name)

    def visit_Assign(self, node):
        value = self.expr(node.value)
        for target in node.targets:
            self.assign(target, value)

    def visit_AnnAssign(self, node):
        value = self.expr(node.value) if node.value else None
        self.expr(node.annotation)
        self.assign(node.target, value)

    def visit_AugAssign(self, node):
        value = self.expr(node.value)
        target = self.expr(node.target)
        if isinstance(node.target, ast.Name) and Inst(TENSOR) in (value, target):
            self.bind(node.target.id, Inst(TENSOR))

    def visit_For(self, node):
        item = self._iter_item(self.expr(node.iter))
        self.assign(node.target, item)
        for stmt in node.body + node.orelse:
            self.visit(stmt)

    def visit_With(self, node):
        for item in node.items:
            value = self.expr(item.context_expr)
            if item.optional_vars is not None:
                self.assign(item.optional_vars, value if isinstance(value, (Seq,)) else None)
        for stmt in node.body:
            self.visit(stmt)

    def visit_Expr(self, node):
        self.expr(node.value)

    def visit_Return(self, node):
        self.expr(node.value)

    def generic_visit(self, node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self.visit(child)
            elif isinstance(child, ast.expr):
                self.expr(child)

    def visit_FunctionDef(self, node, cls: Local | None = None):
        for deco in node.decorator_list:
            self.expr(deco)
        for default in node.args.defaults + node.args.kw_defaults:
            self.expr(default)
        scope = {}
        params = [a.arg for a in node.args.posonlyargs + node.args.args]
        if cls is not None and params:
            static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)
            if not static:
                scope[params[0]] = cls  # self
            elif self._derives(cls, "torch.autograd.Function") and node.name in {"forward", "backward", "setup_context", "jvp", "vjp"}:
                if node.name != "forward" or "setup_context" not in cls.methods:
                    scope[params[0]] = Inst("torch.autograd.function.FunctionCtx")
        for p in params:
            scope.setdefault(p, None)
        self.bind(node.name, None)
        self.scopes.append(scope)
        for stmt in node.body:
            self.visit(stmt)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def _derives(self, cls: Local, name: str) -> bool:
        for base in cls.bases:
            if isinstance(base, Obj) and (self.docmap.canonical(base.name) == name or name in self._ancestors(base.name)):
                return True
            if isinstance(base, Local) and self._derives(base, name):
                return True
        return False

    def _ancestors(self, name: str) -> set:
        out, todo = set(), [self.docmap.canonical(name)]
        while todo:
            for base in self.docmap.bases.get(todo.pop(), []):
                if base not in out:
                    out.add(base)
                    todo.append(base)
        return out

    def visit_ClassDef(self, node):
        for deco in node.decorator_list:
            self.expr(deco)
        bases = [self.expr(b) for b in node.bases]
        cls = Local(node.name, [b for b in bases if isinstance(b, (Obj, Local))])
        cls.methods = {s.name for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
        self.bind(node.name, cls)
        self.scopes.append({})
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.visit_FunctionDef(stmt, cls)
            else:
                self.visit(stmt)
        self.scopes.pop()

    # -- positions
    def _start(self, node):
        return node.lineno, self.col(node.lineno, node.col_offset)

    def _end(self, node):
        return node.end_lineno, self.col(node.end_lineno, node.end_col_offset)


def references(source: str, docmap: DocMap | None = None, runtime_types: dict[str, str] | None = None) -> list[Ref]:
    """Every torch name in ``source``, in order, each with the documented object it
    links to (or None). A snippet that does not parse has none."""
    docmap = docmap or load_map()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    resolver = _Resolver(source, docmap, runtime_types)
    resolver._pending_runtime = False
    for stmt in tree.body:
        resolver.visit(stmt)
    refs = sorted(set(resolver.refs), key=lambda r: (r.line, r.start, -r.end))
    out, last = [], (0, -1)
    for ref in refs:  # nested or overlapping: keep the outer one
        if (ref.line, ref.start) < last:
            continue
        out.append(ref)
        last = (ref.line, ref.end)
    return out
