"""Inside a fresh fork of the worker: become ``python file.py``, run, and end as Python ends.

Everything the worker imported or set is put back the way a new interpreter has it
before the program runs, so nothing of the executor is visible to it:

- stdin reads end-of-file (``/dev/null``), stdout and stderr are a terminal (the
  worker's pseudo-terminal), with Python's own start-up buffering and error modes;
- its own session and process group, so everything it starts can be killed with it;
- ``sys.argv``, ``sys.path``, the working folder, ``os.environ``, signal handlers,
  warnings filters and the root logger are those of ``python file.py``;
- the modules the worker preloaded beyond ``import torch`` (``preload.EXTRAS``) are
  hidden until the program imports one, and their import-time side effects on the
  warnings filters are replayed then, as a first import would do them;
- the program's ``<module>`` frame is the bottom of the stack: it runs in a greenlet,
  whose frames do not link to the executor's, so printed stacks, warnings'
  ``stacklevel``, logging's ``stack_info`` and tracebacks never show an executor frame;
- an uncaught exception goes through ``sys.excepthook``, ``SystemExit`` sets the exit
  status as Python does, then non-daemon threads are joined and ``atexit`` handlers
  run, in the interpreter's order, before the streams are flushed.

Its report (the error's type, message and line, figures, files read, memory, the types
of the globals it left) goes to the worker on a pipe; what the program printed went to
the terminal.
"""

from __future__ import annotations

import atexit
import builtins
import ctypes
import importlib.machinery
import io
import json
import logging
import os
import random
import re
import signal
import sys
import termios
import fcntl
import threading
import time
import types
import warnings

import greenlet

from docexec import devices

HERE = os.path.abspath(__file__)
PR_SET_PDEATHSIG = 1


class FreshInterpreter:
    """What a new interpreter has after ``import torch``, taken by the worker before it
    imports anything else."""

    def __init__(self, snippet_env: dict):
        self.env = snippet_env
        self.path = list(sys.path[1:])  # [0] is the worker's own folder; a script gets its own
        self.signals = {}
        for signum in signal.valid_signals():
            try:
                self.signals[signum] = signal.getsignal(signum)
            except (ValueError, OSError):  # pragma: no cover - signals Python cannot query
                pass
        self.filters = list(warnings.filters)
        self.root = (list(logging.root.handlers), logging.root.level)
        self.modules = set(sys.modules)
        self.extra_filters: list = []  # what importing the extras added, replayed on their first use
        self.hidden: dict = {}  # the extras, out of sys.modules (see Reveal)

    def after_extras(self) -> None:
        """Called once the extras are imported: take them out of ``sys.modules`` here, in the
        worker, so no fork pays for hiding them."""
        self.extra_filters = [f for f in warnings.filters if f not in self.filters]
        warnings.filters[:] = self.filters
        self.hidden = {name: sys.modules.pop(name) for name in list(sys.modules) if name not in self.modules}


class Reveal:
    """First in ``sys.meta_path``: the modules the worker preloaded are out of
    ``sys.modules`` until the program imports one of them. Then all of them come back
    (they import each other), the warnings filters their import added are put back
    and the filters count as changed, as after a first import. The module asked for is
    handed to the import system by this loader, so it is not executed again."""

    def __init__(self, stash: dict, fresh: FreshInterpreter):
        self.stash = stash  # this fork's own copy of the worker's (copy-on-write): changing it is private
        self.fresh = fresh
        self.specs: dict = {}

    def find_spec(self, name, path=None, target=None):
        if name not in self.stash:
            return None
        module = self.stash.pop(name)
        sys.modules.update(self.stash)
        self.stash.clear()
        for item in reversed(self.fresh.extra_filters):
            if item not in warnings.filters:
                warnings.filters.insert(0, item)
        warnings._filters_mutated()
        return importlib.machinery.ModuleSpec(name, self, is_package=hasattr(module, "__path__"), loader_state=module)

    def create_module(self, spec):
        module = spec.loader_state
        self.specs[spec.name] = getattr(module, "__spec__", None)  # before the import system replaces it
        return module

    def exec_module(self, module):
        module.__spec__ = self.specs.pop(module.__spec__.name)  # the import system set ours


def _terminal(tty: int, unbuffered: bool) -> None:
    """stdin from /dev/null, stdout and stderr to the terminal, as the process's own session."""
    os.setsid()
    fcntl.ioctl(tty, termios.TIOCSCTTY, 0)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(tty, 1)
    os.dup2(tty, 2)
    for fd in (null, tty):
        os.close(fd)
    encoding = sys.stdout.encoding
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)), encoding=encoding)
    sys.stdout = sys.__stdout__ = _stdio(1, encoding, "strict", unbuffered)
    sys.stderr = sys.__stderr__ = _stdio(2, encoding, "backslashreplace", unbuffered)


def _stdio(fd: int, encoding: str, errors: str, unbuffered: bool) -> io.TextIOWrapper:
    """As CPython's start-up makes it for a terminal: line-buffered, or with
    ``PYTHONUNBUFFERED`` set, unbuffered."""
    raw = io.FileIO(fd, "w", closefd=False)
    if unbuffered:
        return io.TextIOWrapper(raw, encoding=encoding, errors=errors, write_through=True)
    return io.TextIOWrapper(io.BufferedWriter(raw), encoding=encoding, errors=errors, line_buffering=True)


def _close_other_fds(keep: int) -> None:
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd != keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _reset_interpreter(fresh: FreshInterpreter, script: str) -> None:
    os.chdir(os.path.dirname(script))
    os.environ.clear()
    os.environ.update(fresh.env)
    sys.argv = [script]
    sys.path[:] = [os.path.dirname(script), *fresh.path]
    for signum, handler in fresh.signals.items():
        if handler is not None and signal.getsignal(signum) is not handler:
            try:
                signal.signal(signum, handler)
            except (OSError, ValueError, TypeError):  # pragma: no cover - SIGKILL and friends
                pass
    # The worker's exit handlers are not the program's: a new interpreter has only those of
    # what it imported. Of the ones `import torch` registers, logging's flush is the one
    # with an effect a program can see.
    atexit._clear()
    atexit.register(logging.shutdown)
    warnings.filters[:] = fresh.filters
    warnings.showwarning = warnings._showwarning_orig
    warnings._filters_mutated()
    logging.root.handlers[:], level = fresh.root
    if logging.root.level != level:  # setLevel clears every logger's cache: torch has hundreds,
        logging.root.setLevel(level)  # and in a fork each one written is a page copied (500 a run)
    random.seed()  # a new interpreter seeds its generators from the OS, and torch (2.13) does too
    if "numpy.random" in sys.modules:
        sys.modules["numpy.random"].seed()


class Figures:
    """``plt.show()`` on a machine with a display opens a window per figure and returns when
    they are closed. Here each figure is saved as SVG instead, then closed. The SVG is
    styled for the site when saved (transparent, grey ink, fixed hash salt, no date); the
    program's view of matplotlib (backend, rcParams, figure size) is left alone."""

    def __init__(self, folder: str):
        self.folder = folder
        self.count = 0

    def install(self, backend_bases) -> None:
        """Every backend without a window (Agg here) shows a figure through
        ``FigureManagerBase.show``: ``plt.show()`` calls it once per open figure."""
        figures = self

        def show(manager):
            figures.save(manager)

        backend_bases.FigureManagerBase.show = show

    def save(self, manager) -> None:
        import matplotlib
        from matplotlib._pylab_helpers import Gcf

        self.count += 1
        path = os.path.join(self.folder, f"figure-{self.count}.svg")
        with matplotlib.rc_context({"svg.hashsalt": "docexec", "svg.fonttype": "path"}):
            manager.canvas.figure.savefig(
                path, format="svg", transparent=True, facecolor="none", edgecolor="none", metadata={"Date": None}
            )
        Gcf.destroy(manager)  # its window was closed, as plt.show() returns after a reader closes it

    def read(self) -> list[str]:
        out = []
        for number in range(1, self.count + 1):
            with open(os.path.join(self.folder, f"figure-{number}.svg"), encoding="utf-8") as svg:
                out.append(re.sub(r"#000000\b", "#8a8a8a", svg.read()))
        return out


class FigureHook:
    """When matplotlib was not preloaded: patch ``plt.show`` as ``matplotlib.backend_bases`` loads."""

    def __init__(self, figures: Figures):
        self.figures = figures

    def find_spec(self, name, path=None, target=None):
        if name != "matplotlib.backend_bases":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None:
            execute, figures = spec.loader.exec_module, self.figures

            def exec_module(module):
                execute(module)
                figures.install(module)

            spec.loader.exec_module = exec_module
        return spec


class Reads:
    """Files the program opens for reading (data files and local modules), for the cache key."""

    def __init__(self, folder: str):
        self.folder = folder + os.sep
        self.paths: set[str] = set()

    def __call__(self, event, args):
        if event == "open" and isinstance(args[0], str):
            mode = args[1] if isinstance(args[1], str) else "r"
            if "r" in mode and "+" not in mode and os.path.abspath(args[0]).startswith(self.folder):
                self.paths.add(os.path.abspath(args[0]))


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0  # pragma: no cover


def _reset_peak_rss() -> int:
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:  # pragma: no cover - not allowed here
        pass
    return _status_kib("VmRSS")


def _peak(rss_before: int) -> dict:
    peak = {"rss_bytes": max(0, _status_kib("VmHWM") - rss_before) * 1024}
    return {**peak, **devices.peaks(sys.modules["torch"])}


def _main_module(script: str) -> types.ModuleType:
    main = types.ModuleType("__main__")
    main.__file__ = script
    main.__cached__ = None
    main.__builtins__ = builtins
    main.__loader__ = importlib.machinery.SourceFileLoader("__main__", script)
    main.__spec__ = None
    sys.modules["__main__"] = main
    return main


def _without_executor_frames(tb):
    while tb is not None and tb.tb_frame.f_code.co_filename == HERE:
        tb = tb.tb_next
    return tb


def _error(exc: BaseException, script: str) -> dict:
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == script:
            line = tb.tb_lineno
        tb = tb.tb_next
    if isinstance(exc, SyntaxError) and exc.filename == script:
        line = exc.lineno
    return {"type": type(exc).__name__, "module": type(exc).__module__, "message": str(exc), "line": line}


def _global_types(namespace: dict) -> dict:
    """The type of each public global the program left (modules aside), by qualified name:
    what the API links need to know which names are tensors or modules. Read after the
    program ended, so it cannot notice."""
    found = {}
    for name, value in list(namespace.items())[:500]:
        if name.startswith("_") or isinstance(value, types.ModuleType):
            continue
        kind = type(value)
        found[name] = f"{getattr(kind, '__module__', '?')}.{getattr(kind, '__qualname__', kind.__name__)}"
    return found


def _exit_code(code) -> int:
    """What Python does with ``SystemExit(code)``: None is 0, an int is the status, anything
    else is printed to stderr and the status is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF if code >= 0 else code % 256
    print(code, file=sys.stderr)
    return 1


def _finish_interpreter() -> None:
    """Py_FinalizeEx's first steps: join non-daemon threads, run atexit handlers, flush."""
    threading._shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - Python ignores these too at exit
            pass


def run(request: dict, fresh: FreshInterpreter, tty: int, result_fd: int) -> None:
    """Run ``request["script"]`` in this process (a fresh fork) and leave with its exit status."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # if the worker dies, so does this run
    script, scratch = request["script"], request["scratch"]
    _terminal(tty, bool(fresh.env.get("PYTHONUNBUFFERED")))
    _close_other_fds(result_fd)
    figures = Figures(os.path.join(scratch, "figures"))
    backend_bases = fresh.hidden.get("matplotlib.backend_bases")
    if backend_bases is not None:
        figures.install(backend_bases)
    else:
        sys.meta_path.insert(0, FigureHook(figures))
    # The CPU generator from the OS, as a new interpreter seeds it (torch 2.13). A GPU's is
    # made when the program first uses the GPU, in this process, as in a new one; so not
    # torch.seed(), which would also queue the CPU seed for the GPU (and costs 2 ms a run).
    sys.modules["torch"].default_generator.seed()
    if fresh.hidden:
        sys.meta_path.insert(0, Reveal(fresh.hidden, fresh))
    _reset_interpreter(fresh, script)
    reads = Reads(os.path.join(scratch, "src"))
    sys.addaudithook(reads)
    main = _main_module(script)
    error, status = None, 0
    rss_before = _reset_peak_rss()
    start = time.perf_counter()
    try:
        with open(script, "rb") as handle:
            code = compile(handle.read(), script, "exec", dont_inherit=True)
        greenlet.greenlet(exec).switch(code, main.__dict__)
    except SystemExit as exc:
        status = _exit_code(exc.code)
    except BaseException as exc:  # noqa: BLE001 - printed as Python prints it
        error = _error(exc, script)
        tb = _without_executor_frames(exc.__traceback__)
        sys.excepthook(type(exc), exc.with_traceback(tb), tb)
        status = 130 if isinstance(exc, KeyboardInterrupt) else 1
    duration = time.perf_counter() - start
    peak = _peak(rss_before)
    names = _global_types(main.__dict__)
    try:
        _finish_interpreter()
    except SystemExit as exc:  # sys.exit() inside an atexit handler or a thread join
        status = _exit_code(exc.code)
    report = {  # the worker makes a RunResult of it (run/result.py), with the exit status it sees
        "error": error,
        "types": names,
        "duration": duration,
        "peak": peak,
        "figures": figures.read(),
        "reads": sorted(reads.paths),
    }
    data = json.dumps(report).encode()
    while data:
        data = data[os.write(result_fd, data) :]
    os._exit(status)
