"""Run a notebook page (``docs/*.ipynb``) once, keep the executed copy, reuse it.

The guarantees are those of the ``exec`` fences on Markdown pages: a cell that
raises fails the build (unless it is tagged ``raises-exception``), a cell that
runs past ``timeout`` seconds fails it, the run is on the CPU with CUDA hidden,
and a warm build does not run the notebook again. The executed copy is cached
as ``cache_dir/<name>-<device>-<key>.ipynb`` (older copies of the same notebook
and device are deleted when a new one is written); the key covers everything
that can change the outputs:

- the notebook's source (sha256 of its bytes),
- the installed torch version (from package metadata: importing torch here
  would cost the build a second or two for nothing),
- this file and the worker that forks the kernel (``RUNNER_FILES``, sha256),
  so a change to how notebooks run invalidates old results,
- the device.

No MkDocs here: ``docexec/mkdocs_hooks.py`` calls ``execute_cached``; the tests
call it too.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
import sys
import tempfile
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager, KernelManager
from jupyter_client.provisioning import LocalProvisioner
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from traitlets import Unicode
from traitlets.config import Config

from docexec import client
from docexec.cache import file_hash

TIMEOUT = 300  # seconds per cell
HERE = Path(__file__).parent
RUNNER_FILES = ("notebook_exec.py", "worker.py", "client.py")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class NotebookError(RuntimeError):
    """A notebook page that did not run; the message names the notebook, the cell and the error."""


def cache_key(src_path: str | os.PathLike, device: str = "cpu") -> str:
    """The sha256 naming the executed copy of ``src_path``."""
    try:
        torch_version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        torch_version = "none"
    hasher = hashlib.sha256()
    for part in (
        file_hash(src_path),
        torch_version,
        *(file_hash(HERE / name) for name in RUNNER_FILES),
        device,
    ):
        hasher.update(part.encode() + b"\0")
    return hasher.hexdigest()


def cached_path(src_path: str | os.PathLike, cache_dir: str | os.PathLike, device: str = "cpu") -> Path:
    """Where the executed copy of ``src_path`` as it is now lives (or will, once run)."""
    return Path(cache_dir) / f"{Path(src_path).stem}-{device}-{cache_key(src_path, device)}.ipynb"


def execute_cached(src_path: str | os.PathLike, cache_dir: str | os.PathLike, device: str = "cpu") -> str:
    """The path of the executed copy of ``src_path``: from the cache, or run now.

    Raises NotebookError when a cell fails (the notebook is not cached then).
    """
    target = cached_path(src_path, cache_dir, device)
    prefix = f"{Path(src_path).stem}-{device}-"
    if target.is_file():
        return str(target)
    nb = nbformat.read(src_path, as_version=4)
    run(nb, src_path, device, fork=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, suffix=".tmp", delete=False) as tmp:
        nbformat.write(nb, tmp)
    os.replace(tmp.name, target)  # atomic: a parallel build never reads half a file
    for old in target.parent.glob(f"{prefix}*.ipynb"):
        if old != target and re.fullmatch(r"[0-9a-f]{64}", old.stem[len(prefix) :]):
            old.unlink(missing_ok=True)
    return str(target)


class WorkerKernelManager(AsyncKernelManager):
    """Starts the ipykernel as a fork of the docexec worker, where torch (and what
    the snippets import lazily) is imported already, instead of as a new Python.

    That saves a build the kernel's own ``import torch`` and matplotlib: about
    2 CPU-seconds (measured: the whole notebook's kernel 5.3 CPU-s). It is the
    same ipykernel, started with the same arguments and environment, speaking to
    nbclient the same way; tests/test_notebooks.py checks that a notebook comes
    out byte-identical from both. A kernel spec that is not this interpreter's
    ipykernel (or has its own provisioner) starts the usual way.
    ``_async_launch_kernel`` is jupyter_client's documented point for this."""

    device = Unicode("cpu", help="which docexec worker forks the kernel").tag(config=True)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        if kernel_cmd[:3] != [sys.executable, "-m", "ipykernel_launcher"] or type(self.provisioner) is not LocalProvisioner:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        cwd = kw.get("cwd") or os.getcwd()
        worker = client.get_worker(os.getcwd(), self.device)
        process = worker.start_kernel(kernel_cmd[3:], cwd, kw.get("env") or dict(os.environ))
        # What LocalProvisioner.launch_kernel records of the process it starts.
        provisioner = self.provisioner
        provisioner.process, provisioner.pid, provisioner.pgid = process, process.pid, process.pid  # own session
        provisioner.cwd = cwd
        self._reconcile_connection_info(provisioner.connection_info)


def run(
    nb, src_path, device: str = "cpu", *, timeout: float = TIMEOUT, allow_errors: bool = False, fork: bool = False
) -> None:
    """Execute ``nb`` in place in a python3 kernel (the running interpreter's, as
    jupyter_client starts the spec's ``python`` with ``sys.executable``), in the
    notebook's folder. With ``allow_errors`` errors are recorded in the outputs.
    The kernel is a new process, or with ``fork`` a fork of the docexec worker
    (``WorkerKernelManager``), as the build runs notebook pages."""
    env = dict(os.environ)
    if device == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""
    options = {"env": client.passive_openmp(env)}
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
        **({"kernel_manager_class": WorkerKernelManager, "config": Config(WorkerKernelManager={"device": device})} if fork else {}),
    )
    try:
        notebook_client.execute(**options)
    except CellExecutionError as exc:
        where = _where(nb, src_path, current["cell"])
        raise NotebookError(f"{where} raised {exc.ename}: {exc.evalue}\n{ANSI.sub('', str(exc))}") from None
    except (CellTimeoutError, DeadKernelError) as exc:
        raise NotebookError(f"{_where(nb, src_path, current['cell'])}: {type(exc).__name__}: {exc}") from None
    except (client.WorkerError, RuntimeError) as exc:  # e.g. "Kernel died before replying to kernel_info"
        where = _where(nb, src_path, current["cell"]) if current["cell"] >= 0 else f"{src_path}: the kernel did not start"
        raise NotebookError(f"{where}: {type(exc).__name__}: {exc}") from None


def _where(nb, src_path, index: int) -> str:
    source = nb.cells[index].source if 0 <= index < len(nb.cells) else ""
    first = next((line for line in source.splitlines() if line.strip()), "")
    return f"{src_path}: cell {index} (0-based, markdown cells counted; starts {first!r})"
