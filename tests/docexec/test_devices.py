"""docexec.devices: what a device means, asked by everything else."""

import types

import pytest

from docexec import devices

RECORD = {"gpu": "NVIDIA H200", "torch": "2.11.0+cu130", "cuda": "13.0", "date": "2026-12-04"}


def test_cpu_builds_hide_every_gpu():
    assert devices.get("cpu").environment == {"CUDA_VISIBLE_DEVICES": ""}
    assert devices.get("cuda").environment == {}


def test_an_unknown_device_names_the_known_ones():
    with pytest.raises(devices.UnknownDevice, match=r"^device='tpu' must be one of cpu, cuda$"):
        devices.get("tpu")


def test_a_build_shows_the_records_of_every_other_device():
    assert [device.name for device in devices.recorded("cpu")] == ["cuda"]
    assert [device.name for device in devices.recorded("cuda")] == ["cpu"]


def test_a_records_tab_and_provenance():
    cuda = devices.get("cuda")
    assert cuda.tab(RECORD) == "CUDA · NVIDIA H200 · torch 2.11.0"  # the local version (+cu130) dropped
    assert cuda.provenance(RECORD) == "NVIDIA H200, torch 2.11.0+cu130, CUDA 13.0, recorded 2026-12-04"
    cpu_record = {"torch": "2.13.0", "date": "2026-12-01"}
    assert devices.get("cpu").tab(cpu_record) == "CPU · torch 2.13.0"
    assert devices.get("cpu").provenance(cpu_record) == "torch 2.13.0, recorded 2026-12-01"


def fake_torch(initialized: bool, peak: int = 0, available: bool = True):
    cuda = types.SimpleNamespace(is_initialized=lambda: initialized, max_memory_allocated=lambda: peak,
                                 is_available=lambda: available, get_device_name=lambda index: "Fake GPU")
    return types.SimpleNamespace(cuda=cuda, version=types.SimpleNamespace(cuda="13.0"))


def test_peaks_name_only_the_devices_a_run_used():
    assert devices.peaks(fake_torch(initialized=False)) == {}
    assert devices.peaks(fake_torch(initialized=True, peak=2048)) == {"cuda_bytes": 2048}


def test_availability_and_description_come_from_torch():
    cuda, cpu = devices.get("cuda"), devices.get("cpu")
    assert cuda.available(fake_torch(False, available=True)) and not cuda.available(fake_torch(False, available=False))
    assert cpu.available(fake_torch(False, available=False))
    assert cuda.describe(fake_torch(False)) == {"gpu": "Fake GPU", "cuda": "13.0"}
