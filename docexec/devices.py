"""What a device means to docexec: one entry per device, asked by everything else.

A build runs every snippet for one device (``device:`` in mkdocs.yml, ``cpu`` by
default). Outputs for the other devices, which the build machine (CI) lacks, come from
records made on a machine that has them (``python -m docexec.cuda_records``) and are
shown beside the build's own.

An entry says:

- ``environment``: the variables set for the workers, the notebook kernels and the
  programs. On ``cpu`` every GPU is hidden, so the usual
  ``"cuda" if torch.cuda.is_available() else "cpu"`` line picks the CPU, on any machine;
- ``label`` and ``tab``: how pages, tabs and the execution report name it and a record of it;
- ``available`` and ``describe``: whether this machine has one, and what a record made on
  it says about where it came from (for the record-making tool);
- ``peak``: the device memory a run used, for the report.

Adding a device (say ``xpu``) is one entry in ``DEVICES``; recording it is then
``python -m docexec.cuda_records --device xpu`` on a machine that has one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional


def _cuda_describe(torch) -> dict:
    return {"gpu": torch.cuda.get_device_name(0), "cuda": torch.version.cuda}


def _cuda_peak(torch) -> Optional[int]:
    return torch.cuda.max_memory_allocated() if torch.cuda.is_initialized() else None


@dataclass(frozen=True)
class Device:
    name: str  # as in mkdocs.yml's `device:` and in cache and record paths
    label: str  # as pages and the report name it
    environment: dict = field(default_factory=dict)
    available: Callable = lambda torch: False  # whether this machine has one (torch imported)
    describe: Callable = lambda torch: {}  # what a record made here says about the hardware
    peak: Callable = lambda torch: None  # bytes of its memory the run used at most, if it used it

    def tab(self, record: dict) -> str:
        """The title of a record's tab: ``CUDA · NVIDIA H200 · torch 2.11.0``."""
        hardware = record.get("gpu") or record.get("hardware")
        torch = record["torch"].split("+")[0]
        return " · ".join(part for part in (self.label, hardware, f"torch {torch}") if part)

    def provenance(self, record: dict) -> str:
        """Everything a record says about where it came from, in one line."""
        parts = [record.get("gpu") or record.get("hardware"), f"torch {record['torch']}"]
        if record.get("cuda"):
            parts.append(f"CUDA {record['cuda']}")
        parts.append(f"recorded {record['date']}")
        return ", ".join(part for part in parts if part)


DEVICES = {
    "cpu": Device("cpu", "CPU", environment={"CUDA_VISIBLE_DEVICES": ""}, available=lambda torch: True),
    "cuda": Device(
        "cuda", "CUDA", available=lambda torch: torch.cuda.is_available(), describe=_cuda_describe, peak=_cuda_peak
    ),
}


class UnknownDevice(ValueError):
    pass


def get(name: str) -> Device:
    try:
        return DEVICES[name]
    except KeyError:
        raise UnknownDevice(f"device={name!r} must be one of {', '.join(DEVICES)}") from None


def recorded(built: str) -> list[Device]:
    """The devices whose outputs a build for ``built`` shows from records: all the others."""
    return [device for name, device in DEVICES.items() if name != built]


def peaks(torch) -> dict:
    """``{"<name>_bytes": n}`` for every device a run used, as ``child`` reports it."""
    out = {}
    for device in DEVICES.values():
        used = device.peak(torch)
        if used is not None:
            out[f"{device.name}_bytes"] = used
    return out
