"""The one settings object: the extension's options in ``mkdocs.yml``, then ``DOCEXEC_*``.

Every part of docexec reads its settings from here: the Markdown pages (through the
extension's config), the notebook page (the MkDocs hook reads the same extension
block from the MkDocs config) and the command-line tools.

==================  ====================  ==============================================
option              environment           meaning
==================  ====================  ==============================================
device              DOCEXEC_DEVICE        where snippets run: a name in ``devices.DEVICES``
timeout             DOCEXEC_TIMEOUT       seconds a snippet may run (a fence's ``timeout=`` wins)
execute             DOCEXEC_EXECUTE=0     run snippets at all
cache_dir           DOCEXEC_CACHE_DIR     cached results; empty turns the cache off
max_output          DOCEXEC_MAX_OUTPUT    bytes a snippet may print before it is stopped
lanes               DOCEXEC_LANES         snippets in flight; 0 means one per usable core
docs_dir                                  pages to prefetch and list in the execution report
records                                   folder of outputs recorded for the other devices
                                          (``<records>/cuda/``; ``docexec.records``)
repo_url                                  GitHub repository, for "Open in Colab"
site_url                                  published site, for links inside notebooks
install                                   the install line the notebooks show
site_name                                 the site's name, in the notebooks' header
errors                                    ``fail`` (a broken snippet stops the build) or
                                          ``show`` (it is shown on its page, marked; what
                                          the MkDocs hook sets under ``mkdocs serve``)
keep_warm                                 a long-lived process: once idle, the workers import
                                          torch's lazy modules for the next edit (set by the
                                          MkDocs hook under ``mkdocs serve``; a one-shot
                                          build would only pay for it)
==================  ====================  ==============================================
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, fields

from docexec import devices
from docexec.errors import DocexecError


class SettingsError(DocexecError, ValueError):
    """An option that cannot be used; the message names it."""


@dataclass(frozen=True)
class Settings:
    device: str = "cpu"
    timeout: float = 60.0
    execute: bool = True
    cache_dir: str = ".cache/docexec"
    max_output: int = 1_000_000
    lanes: int = 0
    docs_dir: str = ""
    records: str = ""
    repo_url: str = ""
    site_url: str = ""
    install: str = "pip install torch numpy"
    site_name: str = ""
    errors: str = "fail"
    keep_warm: bool = False

    @classmethod
    def load(cls, options: dict, environ=None) -> "Settings":
        environ = os.environ if environ is None else environ
        known = {f.name for f in fields(cls)}
        unknown = set(options) - known
        if unknown:
            raise SettingsError(f"docexec: unknown option(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
        values = {key: value for key, value in options.items() if value is not None}
        for key, variable in (("device", "DOCEXEC_DEVICE"), ("cache_dir", "DOCEXEC_CACHE_DIR"), ("timeout", "DOCEXEC_TIMEOUT"),
                              ("max_output", "DOCEXEC_MAX_OUTPUT"), ("lanes", "DOCEXEC_LANES")):
            if variable in environ:
                values[key] = environ[variable]
        if environ.get("DOCEXEC_EXECUTE") == "0":
            values["execute"] = False
        try:
            settings = cls(**values)
            settings = cls(**{**values, "timeout": float(settings.timeout), "max_output": int(settings.max_output),
                              "lanes": int(settings.lanes), "execute": bool(settings.execute),
                              "keep_warm": bool(settings.keep_warm)})
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"docexec: {exc}") from None
        try:
            devices.get(settings.device)
        except devices.UnknownDevice as exc:
            raise SettingsError(f"docexec: {exc}") from None
        if not (settings.timeout > 0 and math.isfinite(settings.timeout)):
            raise SettingsError(f"docexec: timeout={settings.timeout!r} must be a positive, finite number of seconds")
        if settings.errors not in ("fail", "show"):
            raise SettingsError(f"docexec: errors={settings.errors!r} must be fail or show")
        if settings.max_output <= 0 or settings.lanes < 0:
            raise SettingsError("docexec: max_output must be positive and lanes 0 or more")
        return settings

    @classmethod
    def from_mkdocs_yml(cls, path, environ=None) -> "Settings":
        """The settings of the ``docexec.extension`` block of an ``mkdocs.yml`` (for the
        command-line tools; MkDocs hands the extension the same block). Defaults when the
        file or the block is missing. ``!ENV`` values are read from the environment."""
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
        try:
            with open(path, encoding="utf-8") as handle:
                config = yaml.load(handle, Loader=Loader) or {}
        except FileNotFoundError:
            return cls.load({}, environ)
        for entry in config.get("markdown_extensions") or []:
            if isinstance(entry, dict) and "docexec.extension" in entry:
                return cls.load(dict(entry["docexec.extension"] or {}), environ)
        return cls.load({}, environ)

    @property
    def root(self) -> str:
        """Where the build runs: paths in the settings are relative to it."""
        return os.getcwd()

    def usable_lanes(self) -> int:
        return self.lanes or len(os.sched_getaffinity(0))
