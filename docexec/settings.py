"""The one settings object: the extension's options in ``mkdocs.yml``, then ``DOCEXEC_*``.

Every part of docexec reads its settings from here: the Markdown pages (through the
extension's config), the notebook page (the MkDocs plugin reads the same extension
block from the MkDocs config) and the command-line tools (``from_mkdocs_yml``).

==================  ====================  ==============================================
option              environment           meaning
==================  ====================  ==============================================
device              DOCEXEC_DEVICE        where snippets run: a name in ``devices.DEVICES``
timeout             DOCEXEC_TIMEOUT       seconds a snippet may run (a fence's ``timeout=`` wins)
execute             DOCEXEC_EXECUTE=0     run snippets at all
cache_dir           DOCEXEC_CACHE_DIR     cached results and executed notebooks; empty turns
                                          every cache off
max_output          DOCEXEC_MAX_OUTPUT    bytes a snippet may print before it is stopped
lanes               DOCEXEC_LANES         snippets in flight; 0 means one per usable core
docs_dir                                  pages to prefetch and list in the execution report
snippets                                  the snippets' folder (pymdownx.snippets' base_path;
                                          ``from_mkdocs_yml`` reads it there)
records                                   folder of outputs recorded for the other devices
                                          (``<records>/cuda/``; ``docexec.records``)
repo_url                                  GitHub repository, for "Open in Colab"
site_url                                  published site, for links inside notebooks
install                                   the install line the notebooks show
site_name                                 the site's name, in the notebooks' header
root                                      the folder every path above is relative to: the
                                          folder of mkdocs.yml (set by the MkDocs plugin and
                                          ``from_mkdocs_yml``); empty: the current folder
command                                   ``build`` or ``serve`` (set by the MkDocs plugin).
                                          Under ``serve`` a broken snippet is shown on its
                                          page instead of stopping the build
                                          (``errors: show``), and the workers, once idle,
                                          import what the next edit will need (``keep_warm``)
errors                                    ``fail``: the build fails, once every page has run,
                                          listing every snippet that may not be published;
                                          ``show``: each is shown on its page, marked
keep_warm                                 see ``command``
==================  ====================  ==============================================
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Optional

from docexec import devices
from docexec.errors import DocexecError


ENVIRONMENT = {"device": "DOCEXEC_DEVICE", "cache_dir": "DOCEXEC_CACHE_DIR", "timeout": "DOCEXEC_TIMEOUT",
               "max_output": "DOCEXEC_MAX_OUTPUT", "lanes": "DOCEXEC_LANES"}
NUMBERS = {"timeout": "a number of seconds", "max_output": "a number of bytes", "lanes": "a whole number (0: one per core)"}


class SettingsError(DocexecError, ValueError):
    """An option that cannot be used; the message names it and where it was set."""


@dataclass(frozen=True)
class Settings:
    device: str = "cpu"
    timeout: float = 60.0
    execute: bool = True
    cache_dir: str = ".cache/docexec"
    max_output: int = 1_000_000
    lanes: int = 0
    docs_dir: str = ""
    snippets: str = "snippets"
    records: str = ""
    repo_url: str = ""
    site_url: str = ""
    install: str = "pip install torch numpy"
    site_name: str = ""
    root: str = ""
    command: str = "build"
    errors: str = "fail"
    keep_warm: bool = False

    @classmethod
    def load(cls, options: dict, environ=None, where: str = "mkdocs.yml") -> "Settings":
        """Settings from the docexec block's ``options`` (``where`` names it in errors), then
        the environment. Every bad value is a ``SettingsError`` naming the option."""
        environ = os.environ if environ is None else environ
        known = [f.name for f in fields(cls)]
        for key in options:
            if key not in known:
                raise SettingsError(f"unknown docexec option {key!r} in {where}; known: {', '.join(known)}")
        values = {key: value for key, value in options.items() if value is not None}
        source = dict.fromkeys(values, where)  # where each value was set, for the error message
        for key, variable in ENVIRONMENT.items():
            if variable in environ:
                values[key], source[key] = environ[variable], variable
        if environ.get("DOCEXEC_EXECUTE") == "0":
            values["execute"], source["execute"] = False, "DOCEXEC_EXECUTE"

        def bad(key: str, expected: str) -> SettingsError:
            return SettingsError(f"docexec option {key!r} in {source[key]}: expected {expected}, got {values[key]!r}")

        converted = dict(values)
        for f in fields(cls):
            if f.name not in values:
                continue
            value, kind = values[f.name], type(f.default)
            if kind is bool and not isinstance(value, bool):
                raise bad(f.name, "true or false")
            if kind is str and not isinstance(value, str):
                raise bad(f.name, "a string")
            if kind in (int, float):
                try:
                    if isinstance(value, bool) or (kind is int and isinstance(value, float) and not value.is_integer()):
                        raise ValueError
                    converted[f.name] = kind(value)
                except (TypeError, ValueError):
                    raise bad(f.name, NUMBERS[f.name]) from None
        settings = cls(**converted)
        if settings.device not in devices.DEVICES:
            raise bad("device", f"one of {', '.join(devices.DEVICES)}")
        if not (settings.timeout > 0 and math.isfinite(settings.timeout)):
            raise bad("timeout", "a positive, finite number of seconds")
        if settings.max_output <= 0:
            raise bad("max_output", "a positive number of bytes")
        if settings.lanes < 0:
            raise bad("lanes", "0 or more")
        if settings.errors not in ("fail", "show"):
            raise bad("errors", "fail or show")
        if settings.command not in ("build", "serve", "gh-deploy"):
            raise bad("command", "build, serve or gh-deploy")
        if settings.command == "serve":  # what a long-lived process that rebuilds on every edit wants
            settings = replace(settings, errors="show", keep_warm=True)
        return settings

    @classmethod
    def from_mkdocs_yml(cls, path, environ=None) -> "Settings":
        """The settings of the ``docexec.extension`` block of an ``mkdocs.yml`` (for the
        command-line tools; MkDocs hands the extension the same block), with ``root`` its
        folder and ``snippets`` pymdownx.snippets' first base path. Defaults when the file
        or the block is missing. ``!ENV`` values are read from the environment."""
        import yaml

        environ = os.environ if environ is None else environ

        class Loader(yaml.SafeLoader):
            pass

        def env(loader, node):
            names = loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else [loader.construct_scalar(node)]
            *variables, default = names if len(names) > 1 else (*names, None)
            return next((environ[name] for name in variables if name in environ), default)

        Loader.add_constructor("!ENV", env)
        Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
        path = Path(path).resolve()
        try:
            with open(path, encoding="utf-8") as handle:
                config = yaml.load(handle, Loader=Loader) or {}
        except FileNotFoundError:
            config = {}
        options, base = {}, None
        for entry in config.get("markdown_extensions") or []:
            if isinstance(entry, dict) and "docexec.extension" in entry:
                options = dict(entry["docexec.extension"] or {})
            if isinstance(entry, dict) and "pymdownx.snippets" in entry:
                base = ((entry["pymdownx.snippets"] or {}).get("base_path") or [None])
                base = base[0] if isinstance(base, list) else base
        defaults = {"root": str(path.parent), **({"snippets": base} if base else {})}
        return cls.load({**defaults, **options}, environ, where=str(path))

    def path(self, name: str) -> Optional[Path]:
        """The setting ``name`` (a folder) as an absolute path, relative to ``root``; None when empty."""
        value = getattr(self, name)
        return Path(self.root or os.getcwd(), value).resolve() if value else None

    @property
    def base(self) -> Path:
        """The folder paths are relative to (``root``, or the current folder)."""
        return Path(self.root or os.getcwd()).resolve()

    def timeout_for(self, directive) -> float:
        """A fence's own ``timeout=``, else the site's."""
        return directive.timeout or self.timeout

    def usable_lanes(self) -> int:
        return self.lanes or len(os.sched_getaffinity(0))
