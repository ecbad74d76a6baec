"""docexec.run.preload: the worker imports what programs will want, never runs torch before
it forks, and refuses to fork once something has made that unsafe."""

import ctypes
import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from docexec.run import client, preload

ROOT = Path(__file__).resolve().parents[2]

# The worker, started as the client starts it, but with every way into CUDA's initialisation
# and autograd's engine replaced by a recorder; at its first fork it writes what was called.
RECORDING_WORKER = textwrap.dedent(
    """
    import json, os, runpy, sys
    import torch
    import torch.autograd.graph

    calls = []

    def recorder(name, real):
        def record(*args, **kwargs):
            calls.append(name)
            return real(*args, **kwargs)
        return record

    def never(*args, **kwargs):
        raise AssertionError("unreachable")

    torch.cuda._lazy_init = recorder("torch.cuda._lazy_init", torch.cuda._lazy_init)
    torch._C._cuda_init = recorder("torch._C._cuda_init", getattr(torch._C, "_cuda_init", never))
    torch.autograd.backward = recorder("torch.autograd.backward", torch.autograd.backward)
    torch.autograd.grad = recorder("torch.autograd.grad", torch.autograd.grad)
    torch.Tensor.backward = recorder("Tensor.backward", torch.Tensor.backward)
    for module in (torch.autograd, torch.autograd.graph):  # what backward() and grad() both call
        module._engine_run_backward = recorder("autograd engine", torch.autograd.graph._engine_run_backward)

    real_fork = os.fork

    def first_fork():
        os.fork = real_fork
        with open(os.environ["RECORDED_CALLS"], "w") as out:
            json.dump(calls, out)
        return real_fork()

    os.fork = first_fork
    runpy.run_module("docexec.run.worker", run_name="__main__")
    """
)


def run_recording_worker(tmp_path, driver=RECORDING_WORKER) -> tuple[list[str], dict]:
    """Start the recording worker, ask it to preload (as a build's batch does), then run
    one program; what it called before its first fork, and the program's answer."""
    (tmp_path / "driver.py").write_text(driver)
    (tmp_path / "prog.py").write_text("import torch\nx = torch.ones(2, requires_grad=True)\n(x * 3).sum().backward()\nprint(x.grad)\n")
    calls = tmp_path / "calls.json"
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="", RECORDED_CALLS=str(calls), DOCEXEC_SNIPPET_ENV=json.dumps({}),
               PYTHONPATH=str(ROOT))
    messages = [
        {"preload": True},
        {"id": 1, "script": str(tmp_path / "prog.py"), "title": "prog.py", "timeout": 60, "max_output": 10_000},
    ]
    stdin = "".join(json.dumps(m) + "\n" for m in messages)
    proc = subprocess.Popen([sys.executable, str(tmp_path / "driver.py")], cwd=ROOT, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdin.write(stdin)
    proc.stdin.flush()
    answer = None
    for line in proc.stdout:
        message = json.loads(line)
        if message.get("id") == 1:
            answer = message
            break
    proc.stdin.close()
    proc.wait(timeout=60)
    assert answer is not None, proc.stderr.read()
    return json.loads(calls.read_text()), answer


def test_the_worker_runs_no_backward_and_never_touches_cuda_before_it_forks(tmp_path):
    """A backward pass or CUDA's initialisation in the worker would break every fork on
    torch's CUDA builds; the preload, where one would most likely hide, runs before the first fork."""
    calls, answer = run_recording_worker(tmp_path)
    assert calls == []
    assert "tensor([3., 3.])" in answer["output"]  # the program's own backward ran, in the fork


def test_the_recorder_sees_a_backward_in_the_worker(tmp_path):
    """The test above could pass by recording nothing: a preload that differentiates is seen."""
    warm = "def extras(fresh):\n    import torch\n    torch.ones(2, requires_grad=True).sum().backward()\n    fresh.after_extras()\n"
    driver = RECORDING_WORKER.replace(
        "runpy.run_module", f"import docexec.run.preload as p\nexec({warm!r}, p.__dict__)\nrunpy.run_module"
    )
    calls, _ = run_recording_worker(tmp_path, driver)
    assert calls == ["Tensor.backward", "torch.autograd.backward", "autograd engine"]


def test_importing_the_extras_initialises_nothing(tmp_path):
    """Imports only: in a fresh interpreter, after the preload, CUDA is not initialised and
    autograd has no device threads, on whatever torch build this is."""
    script = "import torch\nfrom docexec.run import child, preload\npreload.extras(child.FreshInterpreter({}))\npreload.check_fork_safe()\nprint(torch.cuda.is_initialized(), preload._autograd_threads())\n"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "0"]


def test_the_compile_modules_exist_in_this_torch():
    """A root that torch renamed would be skipped silently, and the preload would lose its point."""
    missing = []
    for name in preload.COMPILE:
        try:
            __import__(name)
        except ImportError:
            missing.append(name)
    assert missing == []


def test_a_cuda_initialised_worker_refuses_to_fork(monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_initialized", lambda: True)
    with pytest.raises(preload.ForkUnsafe, match="has initialised CUDA, so no fork of it can use the GPU"):
        preload.check_fork_safe()


def named_thread(name: bytes, stop: threading.Event) -> threading.Thread:
    def body():
        ctypes.CDLL(None).prctl(15, name, 0, 0, 0)  # PR_SET_NAME: the name /proc shows, as autograd's threads
        stop.wait()

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    return thread


def test_autograd_device_threads_make_the_worker_refuse_to_fork():
    stop = threading.Event()
    thread = named_thread(b"pt_autograd_0", stop)
    try:
        for _ in range(100):
            if preload._autograd_threads():
                break
            threading.Event().wait(0.01)
        with pytest.raises(preload.ForkUnsafe, match=r"has run autograd's engine \(1 pt_autograd threads\)"):
            preload.check_fork_safe()
    finally:
        stop.set()
        thread.join()
    preload.check_fork_safe()  # gone with the thread


def test_a_worker_that_cannot_fork_says_why_instead_of_running(tmp_path):
    """The worker's own failure reaches the build as one message, not as a traceback from
    every program: here a thread named as autograd's is started in the worker before its preload."""
    (tmp_path / "prog.py").write_text("print('never')\n")
    sitecustomize = tmp_path / "site" / "sitecustomize.py"
    sitecustomize.parent.mkdir()
    sitecustomize.write_text(
        "import ctypes, threading\n"
        "def body():\n    ctypes.CDLL(None).prctl(15, b'pt_autograd_0', 0, 0, 0)\n    threading.Event().wait()\n"
        "threading.Thread(target=body, daemon=True).start()\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{sitecustomize.parent}:{ROOT}"}
    old = os.environ.copy()
    os.environ.update(env)
    try:
        worker = client.Worker(str(tmp_path), "cpu", dict(old, CUDA_VISIBLE_DEVICES=""))
    finally:
        os.environ.clear()
        os.environ.update(old)
    try:
        request = {"script": str(tmp_path / "prog.py"), "title": "prog.py", "timeout": 30, "max_output": 1000}
        with pytest.raises(client.WorkerError) as caught:
            worker.run(request, "prog.py").result(timeout=60)
    finally:
        worker.close()
    assert str(caught.value).startswith("docexec: the worker has run autograd's engine (1 pt_autograd threads)")
    assert "(runs it had: prog.py)" in str(caught.value)


def test_the_pristine_state_hides_what_the_preload_imported():
    script = "import sys, torch\nfrom docexec.run import child, preload\np = child.FreshInterpreter({})\npreload.extras(p)\nprint('torch._functorch.aot_autograd' in sys.modules, 'torch._functorch.aot_autograd' in p.hidden)\n"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
