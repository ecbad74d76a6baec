"""Run a notebook page (``docs/*.ipynb``) once, keep the executed copy, reuse it.

The guarantees are those of the ``exec`` fences on Markdown pages: a cell that
raises fails the build (unless it is tagged ``raises-exception``), a cell that
runs past the ``timeout`` setting fails it, the run is on the build's device (the CPU
with CUDA hidden), and a warm build does not run the notebook again. The executed copy
is cached as ``<cache_dir>/notebooks/<name>-<device>-<digest>.ipynb`` (older copies of
the same notebook and device are deleted when a new one is written); with the cache
off (``cache_dir: ""``) it goes to a temporary folder of the build. The digest is a sha256
of the notebook's key. That key is a snippet's (``cache.make_key``, with no deps),
so it covers everything that can change the outputs:

- the notebook's source (sha256 of its bytes),
- the installed torch version (from package metadata: importing torch here
  would cost the build a second or two for nothing),
- the executor (``cache.executor_fingerprint``, which covers this file), so a
  change to how notebooks run invalidates old results,
- the device.

No MkDocs here: ``docexec/mkdocs_plugin.py`` calls ``execute``; the tests call it too.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from docexec import devices
from docexec.cache import key_digest, make_key
from docexec.run.client import passive_openmp

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class NotebookError(RuntimeError):
    """A notebook page that did not run; the message names the notebook, the cell and the error."""


def cache_key(src_path: str | os.PathLike, device: str = "cpu") -> dict:
    """What the executed copy of ``src_path`` depends on: ``cache.make_key`` of a program
    with no deps (its source, torch, the executor, the device)."""
    return make_key(str(src_path), device, [], Path(src_path).parent)


def executed_path(src_path: str | os.PathLike, folder: str | os.PathLike, device: str = "cpu") -> Path:
    """Where the executed copy of ``src_path`` as it is now lives in ``folder`` (or will,
    once run): named by the digest of its key."""
    return Path(folder) / f"{Path(src_path).stem}-{device}-{key_digest(cache_key(src_path, device))}.ipynb"


def cache_folder(settings) -> Path | None:
    """``<cache_dir>/notebooks``; None when the cache is off (``cache_dir: ""``)."""
    cache = settings.path("cache_dir")
    return cache / "notebooks" if cache else None


def execute(src_path: str | os.PathLike, folder: str | os.PathLike, settings) -> str:
    """The path of the executed copy of ``src_path`` in ``folder``: there already (the
    cache), or run now (each cell may take ``settings.timeout`` seconds) and written there.

    Raises NotebookError when a cell fails (nothing is written then).
    """
    target = executed_path(src_path, folder, settings.device)
    prefix = f"{Path(src_path).stem}-{settings.device}-"
    if target.is_file():
        return str(target)
    nb = nbformat.read(src_path, as_version=4)
    run(nb, src_path, settings.device, timeout=settings.timeout)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, suffix=".tmp", delete=False) as tmp:
        nbformat.write(nb, tmp)
    os.replace(tmp.name, target)  # atomic: a parallel build never reads half a file
    for old in target.parent.glob(f"{prefix}*.ipynb"):
        if old != target and re.fullmatch(r"[0-9a-f]{64}", old.stem[len(prefix) :]):
            old.unlink(missing_ok=True)
    return str(target)


def run(nb, src_path, device: str = "cpu", *, timeout: float, allow_errors: bool = False) -> None:
    """Execute ``nb`` in place in a python3 kernel (the running interpreter's, as
    jupyter_client starts the spec's ``python`` with ``sys.executable``), in the
    notebook's folder. With ``allow_errors`` errors are recorded in the outputs.
    The kernel is jupyter_client's stock ipykernel process (a forked kernel saved
    about 2 CPU-seconds but needed 130 lines of private-API code; not worth it)."""
    env = {**os.environ, **devices.get(device).environment}
    options = {"env": passive_openmp(env)}
    if "transport_encryption" in KernelManager.class_trait_names():
        options["transport_encryption"] = "auto"  # jupyter_client >= 8.10: no plain-TCP warning
    current = {"cell": -1}  # index of the cell running now, among all cells

    def on_cell_start(cell, cell_index):
        current["cell"] = cell_index

    notebook_client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=allow_errors,
        record_timing=False,  # no time stamps in the metadata: the same run gives the same file
        coalesce_streams=True,  # one stdout output per cell, however the kernel chunked it
        resources={"metadata": {"path": str(Path(src_path).resolve().parent)}},
        on_cell_start=on_cell_start,
    )
    try:
        notebook_client.execute(**options)
    except CellExecutionError as exc:
        where = _where(nb, src_path, current["cell"])
        raise NotebookError(f"{where} raised {exc.ename}: {exc.evalue}\n{ANSI.sub('', str(exc))}") from None
    except (CellTimeoutError, DeadKernelError) as exc:
        raise NotebookError(f"{_where(nb, src_path, current['cell'])}: {type(exc).__name__}: {exc}") from None
    except RuntimeError as exc:  # e.g. "Kernel died before replying to kernel_info"
        where = _where(nb, src_path, current["cell"]) if current["cell"] >= 0 else f"{src_path}: the kernel did not start"
        raise NotebookError(f"{where}: {type(exc).__name__}: {exc}") from None


def _where(nb, src_path, index: int) -> str:
    source = nb.cells[index].source if 0 <= index < len(nb.cells) else ""
    first = next((line for line in source.splitlines() if line.strip()), "")
    return f"{src_path}: cell {index} (0-based, markdown cells counted; starts {first!r})"
