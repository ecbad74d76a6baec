"""docexec.settings: the options of mkdocs.yml's docexec block, then DOCEXEC_*, read once
into one object; every bad value is one message naming the option and where it was set."""

from pathlib import Path

import pytest

from docexec.directive import Directive
from docexec.settings import Settings, SettingsError


def test_no_options_and_no_environment_are_the_defaults():
    assert Settings.load({}, environ={}) == Settings()


def test_the_environment_wins_over_mkdocs_yml():
    environ = {"DOCEXEC_TIMEOUT": "7.5", "DOCEXEC_LANES": "3", "DOCEXEC_CACHE_DIR": "", "DOCEXEC_EXECUTE": "0",
               "DOCEXEC_MAX_OUTPUT": "100", "DOCEXEC_DEVICE": "cuda"}
    settings = Settings.load({"timeout": 60, "lanes": 1, "cache_dir": ".cache/x", "device": "cpu"}, environ)
    assert (settings.timeout, settings.lanes, settings.cache_dir, settings.execute) == (7.5, 3, "", False)
    assert (settings.max_output, settings.device) == (100, "cuda")


def test_docexec_execute_other_than_0_leaves_execution_on():
    assert Settings.load({}, {"DOCEXEC_EXECUTE": "1"}).execute is True


def test_an_option_set_to_nothing_keeps_its_default():
    """``repo_url: !ENV [REPO_URL, null]`` with REPO_URL unset is None in the config."""
    assert Settings.load({"repo_url": None, "timeout": None}, {}) == Settings()


def test_an_unknown_option_names_itself_and_every_known_one():
    with pytest.raises(SettingsError) as caught:
        Settings.load({"timout": 5}, {})
    known = "device, timeout, execute, cache_dir, max_output, lanes, docs_dir, snippets, records, repo_url, site_url, " \
            "install, site_name, root, command, errors, keep_warm"
    assert str(caught.value) == f"unknown docexec option 'timout' in mkdocs.yml; known: {known}"


@pytest.mark.parametrize(
    ("options", "environ", "message"),
    [
        ({"timeout": "sixty"}, {}, "docexec option 'timeout' in mkdocs.yml: expected a number of seconds, got 'sixty'"),
        ({}, {"DOCEXEC_TIMEOUT": "soon"}, "docexec option 'timeout' in DOCEXEC_TIMEOUT: expected a number of seconds, got 'soon'"),
        ({"timeout": True}, {}, "docexec option 'timeout' in mkdocs.yml: expected a number of seconds, got True"),
        ({"timeout": 0}, {}, "docexec option 'timeout' in mkdocs.yml: expected a positive, finite number of seconds, got 0"),
        ({"timeout": ".inf"}, {}, "expected a number of seconds, got '.inf'"),
        ({"timeout": float("inf")}, {}, "expected a positive, finite number of seconds, got inf"),
        ({"lanes": 1.5}, {}, "docexec option 'lanes' in mkdocs.yml: expected a whole number (0: one per core), got 1.5"),
        ({"lanes": -1}, {}, "docexec option 'lanes' in mkdocs.yml: expected 0 or more, got -1"),
        ({}, {"DOCEXEC_MAX_OUTPUT": "1MB"}, "docexec option 'max_output' in DOCEXEC_MAX_OUTPUT: expected a number of bytes, got '1MB'"),
        ({"max_output": 0}, {}, "docexec option 'max_output' in mkdocs.yml: expected a positive number of bytes, got 0"),
        ({"execute": "yes"}, {}, "docexec option 'execute' in mkdocs.yml: expected true or false, got 'yes'"),
        ({"cache_dir": 5}, {}, "docexec option 'cache_dir' in mkdocs.yml: expected a string, got 5"),
        ({"device": "tpu"}, {}, "docexec option 'device' in mkdocs.yml: expected one of cpu, cuda, got 'tpu'"),
        ({}, {"DOCEXEC_DEVICE": "tpu"}, "docexec option 'device' in DOCEXEC_DEVICE: expected one of cpu, cuda, got 'tpu'"),
        ({"errors": "loud"}, {}, "docexec option 'errors' in mkdocs.yml: expected fail or show, got 'loud'"),
        ({"command": "deploy"}, {}, "docexec option 'command' in mkdocs.yml: expected build, serve or gh-deploy, got 'deploy'"),
    ],
)
def test_a_bad_value_names_the_option_where_it_was_set_and_what_it_expects(options, environ, message):
    with pytest.raises(SettingsError) as caught:
        Settings.load(options, environ)
    assert message in str(caught.value)


def test_numbers_are_converted():
    settings = Settings.load({"timeout": "12", "lanes": 2.0, "max_output": "1000"}, {})
    assert (settings.timeout, settings.lanes, settings.max_output) == (12.0, 2, 1000)
    assert isinstance(settings.lanes, int) and isinstance(settings.timeout, float)


def test_where_names_the_file_the_options_came_from():
    with pytest.raises(SettingsError, match=r"^docexec option 'timeout' in /x/mkdocs.yml: "):
        Settings.load({"timeout": "sixty"}, {}, where="/x/mkdocs.yml")


def test_serve_shows_errors_on_their_pages_and_keeps_the_workers_warm():
    for command in ("build", "gh-deploy"):
        settings = Settings.load({"command": command}, {})
        assert (settings.errors, settings.keep_warm) == ("fail", False), command
    served = Settings.load({"command": "serve", "errors": "fail"}, {})
    assert (served.errors, served.keep_warm) == ("show", True)


def test_paths_are_relative_to_the_root_and_an_empty_one_is_none(tmp_path, monkeypatch):
    settings = Settings(root=str(tmp_path), docs_dir="docs", cache_dir=".cache/docexec", records="")
    assert settings.path("docs_dir") == tmp_path / "docs"
    assert settings.path("cache_dir") == tmp_path / ".cache" / "docexec"
    assert settings.path("records") is None
    assert Settings(root=str(tmp_path), cache_dir="/elsewhere/c").path("cache_dir") == Path("/elsewhere/c")
    assert settings.base == tmp_path
    monkeypatch.chdir(tmp_path)
    assert Settings(docs_dir="docs").path("docs_dir") == tmp_path / "docs"  # no root: the current folder
    assert Settings().base == tmp_path


def test_a_fences_timeout_wins_over_the_sites():
    settings = Settings(timeout=60)
    assert settings.timeout_for(Directive()) == 60
    assert settings.timeout_for(Directive(timeout=2.5)) == 2.5


def test_lanes_0_means_one_per_usable_core():
    import os

    assert Settings(lanes=0).usable_lanes() == len(os.sched_getaffinity(0))
    assert Settings(lanes=3).usable_lanes() == 3


MKDOCS_YML = """\
site_name: t
markdown_extensions:
  - toc
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
  - pymdownx.snippets:
      base_path: [code]
  - docexec.extension:
      timeout: 30
      repo_url: !ENV [REPO_URL, ""]
      site_url: !ENV [NO_SUCH_VARIABLE, MY_SITE, "https://fallback.example/"]
"""


def test_from_mkdocs_yml_reads_the_block_the_snippets_base_path_and_env_tags(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML)
    settings = Settings.from_mkdocs_yml(tmp_path / "mkdocs.yml", environ={"REPO_URL": "https://github.com/o/r", "MY_SITE": "https://o.example/"})
    assert settings.root == str(tmp_path) and settings.snippets == "code" and settings.timeout == 30
    assert settings.repo_url == "https://github.com/o/r" and settings.site_url == "https://o.example/"
    assert Settings.from_mkdocs_yml(tmp_path / "mkdocs.yml", environ={}).site_url == "https://fallback.example/"
    assert Settings.from_mkdocs_yml(tmp_path / "mkdocs.yml", environ={"DOCEXEC_TIMEOUT": "5"}).timeout == 5


def test_from_mkdocs_yml_without_the_file_gives_the_defaults_rooted_there(tmp_path):
    settings = Settings.from_mkdocs_yml(tmp_path / "absent.yml", environ={})
    assert settings == Settings(root=str(tmp_path))


def test_from_mkdocs_yml_names_the_file_in_its_errors(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML.replace("timeout: 30", "timeout: sixty"))
    with pytest.raises(SettingsError) as caught:
        Settings.from_mkdocs_yml(tmp_path / "mkdocs.yml", environ={})
    assert str(caught.value) == f"docexec option 'timeout' in {tmp_path / 'mkdocs.yml'}: expected a number of seconds, got 'sixty'"


# -- in a real `mkdocs build` ---------------------------------------------------------


@pytest.mark.build
def test_a_typo_in_mkdocs_yml_is_one_message_without_a_traceback(scratch_site):
    site = scratch_site()
    site.config(timout=5)
    done = site.build(timeout=120)
    assert done.returncode == 1
    assert "unknown docexec option 'timout' in mkdocs.yml; known: device, timeout, " in done.stderr
    assert "Traceback" not in done.stderr and 'File "' not in done.stderr, done.stderr
    assert not (site.root / "out").exists()


@pytest.mark.build
def test_a_value_that_is_no_number_names_the_option_in_a_real_build(scratch_site):
    site = scratch_site()
    site.config(timeout="sixty")
    done = site.build(timeout=120)
    assert done.returncode == 1
    assert "docexec option 'timeout' in mkdocs.yml: expected a number of seconds, got 'sixty'" in done.stderr
    assert "could not convert" not in done.stderr and 'File "' not in done.stderr, done.stderr
