"""The offline install bundle (``make bundle``, scripts/bundle.py).

Always: the completeness check itself, on small wheels made here (a dependency with no wheel for one
platform, a requirement only Windows' markers ask for), and the installers' encodings. With
``QP_BUNDLE`` (``make bundle-check``, which builds it): the built zip's manifest against its files, every
platform and Python version resolved from the bundle alone, and install.sh run in a fresh folder with no
index and no network, the installed qp-eval running the whole example year.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import bundle  # noqa: E402

BUILT = os.environ.get("QP_BUNDLE")


def make_wheel(folder: Path, name: str, version: str, tag: str, requires: tuple[str, ...] = ()) -> Path:
    path = folder / f"{name}-{version}-{tag}.whl"
    info = f"{name}-{version}.dist-info"
    meta = "Metadata-Version: 2.1\n" + f"Name: {name}\nVersion: {version}\n" + "".join(f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"{info}/METADATA", meta)
        z.writestr(f"{info}/WHEEL", f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: {tag}\n")
        z.writestr(f"{info}/RECORD", "")
        z.writestr(f"{name}/__init__.py", "")
    return path


@pytest.fixture
def wheels(tmp_path) -> Path:
    """app needs dep (a compiled wheel for Linux x86_64 and Windows, none for aarch64) and, on Windows
    only, winonly (as typer needs colorama)."""
    make_wheel(tmp_path, "app", "1.0", "py3-none-any", ("dep>=1", 'winonly; platform_system == "Windows"'))
    make_wheel(tmp_path, "dep", "1.0", "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64")
    make_wheel(tmp_path, "dep", "1.0", "cp312-cp312-win_amd64")
    make_wheel(tmp_path, "dep", "0.9", "cp312-cp312-manylinux_2_17_aarch64")  # too old for dep>=1
    return tmp_path


def test_the_closure_follows_each_platforms_own_markers(wheels):
    files, missing = bundle.closure(wheels, "linux-x86_64", "3.12", "app")
    assert files == ["app-1.0-py3-none-any.whl", "dep-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"]
    assert missing == []
    assert bundle.closure(wheels, "linux-aarch64", "3.12", "app")[1] == ["dep>=1"]
    assert bundle.closure(wheels, "windows-x64", "3.12", "app")[1] == ["winonly"]
    assert bundle.closure(wheels, "linux-x86_64", "3.13", "app")[1] == ["dep>=1"]  # a cp312 wheel is not for 3.13
    make_wheel(wheels, "winonly", "2.0", "py3-none-any")
    files, missing = bundle.closure(wheels, "windows-x64", "3.12", "app")
    assert missing == [] and "winonly-2.0-py3-none-any.whl" in files and "dep-1.0-cp312-cp312-win_amd64.whl" in files


def test_pip_resolves_a_set_from_the_folder_alone_or_says_what_is_missing(wheels):
    assert bundle.resolve(wheels, "linux-x86_64", "3.12", "app") == [
        "app-1.0-py3-none-any.whl", "dep-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"]
    with pytest.raises(bundle.Incomplete, match="linux-aarch64 / Python 3.12"):
        bundle.resolve(wheels, "linux-aarch64", "3.12", "app")


def test_the_manifest_refuses_an_incomplete_bundle_and_names_every_set(wheels, monkeypatch):
    monkeypatch.setattr(bundle, "PYTHONS", ("3.12",))
    with pytest.raises(bundle.Incomplete) as e:
        bundle.manifest(wheels, wheels, "app", "1.0")
    said = str(e.value)
    assert "linux-aarch64 / Python 3.12" in said and "windows-x64 / Python 3.12：缺少 winonly" in said
    assert "linux-x86_64" not in said


def test_wheel_tags_are_expanded():
    assert bundle.wheel_tags("x-1-cp313-cp313-manylinux2014_x86_64.manylinux_2_17_x86_64.whl") == [
        "cp313-cp313-manylinux2014_x86_64", "cp313-cp313-manylinux_2_17_x86_64"]
    assert bundle.wheel_tags("d-0.7.1-py2.py3-none-any.whl") == ["py2-none-any", "py3-none-any"]


def test_each_installer_is_in_the_encoding_its_reader_expects(tmp_path):
    bundle.lay_out(tmp_path, "9.9")
    bat = (tmp_path / "install.bat").read_bytes()
    assert "未找到 Python 3.11".encode("gbk") in bat and b"\r\n" in bat and b"\n" not in bat.replace(b"\r\n", b"")
    assert (tmp_path / "install.ps1").read_bytes().startswith(b"\xef\xbb\xbf")
    guide = (tmp_path / "使用说明.txt").read_bytes()
    assert guide.startswith(b"\xef\xbb\xbf") and "qp-eval 9.9 离线安装包".encode() in guide and b"{" not in guide
    assert b"\r" not in (tmp_path / "install.sh").read_bytes()


# --- the built bundle (make bundle-check) ----------------------------------------------------------

needs_bundle = pytest.mark.skipif(not BUILT, reason="QP_BUNDLE 未设置：离线安装包未生成（make bundle-check）")


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory) -> Path:
    (zip_path,) = Path(BUILT).glob("qp-eval-*-offline.zip")
    out = tmp_path_factory.mktemp("bundle")
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(out)
    (folder,) = out.iterdir()
    (folder / "install.sh").chmod(0o755)
    return folder


def offline(cmd: list[str], cwd: Path, **kw) -> subprocess.CompletedProcess:
    """``cmd`` with no package index (a dead address for any pip that would look) and, where the system
    lets us make one (root, util-linux), in a network namespace of its own: no network at all."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update({"PIP_INDEX_URL": "http://127.0.0.1:9/simple", "PIP_CONFIG_FILE": os.devnull, "COLUMNS": "80"})
    cut = ["unshare", "--net"] if shutil.which("unshare") and subprocess.run(
        ["unshare", "--net", "true"], capture_output=True).returncode == 0 else []
    return subprocess.run([*cut, *cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, **kw)


@needs_bundle
def test_the_manifest_lists_every_file_with_its_hash(unpacked):
    data = json.loads((unpacked / "manifest.json").read_text(encoding="utf-8"))
    listed = {e["path"]: e for e in data["files"]}
    present = {p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*") if p.is_file() and p.name != "manifest.json"}
    assert set(listed) == present
    for path, entry in listed.items():
        assert hashlib.sha256((unpacked / path).read_bytes()).hexdigest() == entry["sha256"], path
    assert set(data["sets"]) == {f"{p}/{v}" for p in ("windows-x64", "linux-x86_64", "linux-aarch64")
                                 for v in ("3.11", "3.12", "3.13")}
    for files in data["sets"].values():
        assert set(files) <= {Path(p).name for p in listed} and any(f.startswith("qp_eval-") for f in files)


@needs_bundle
@pytest.mark.parametrize("platform", list(bundle.PLATFORMS))
@pytest.mark.parametrize("python", bundle.PYTHONS)
def test_every_set_downloads_from_the_bundle_alone(unpacked, tmp_path, platform, python):
    version = json.loads((unpacked / "manifest.json").read_text(encoding="utf-8"))["version"]
    r = offline([sys.executable, "-m", "pip", "download", "--isolated", "--no-index", "--find-links", str(unpacked / "wheels"),
                 "--dest", str(tmp_path), *bundle.target_args(platform, python), f"qp-eval=={version}"], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    got = sorted(p.name for p in tmp_path.glob("*.whl"))
    data = json.loads((unpacked / "manifest.json").read_text(encoding="utf-8"))
    assert set(got) <= set(data["sets"][f"{platform}/{python}"])


@needs_bundle
def test_install_sh_then_the_demo_with_no_network(unpacked, tmp_path):
    r = offline(["sh", "install.sh"], cwd=unpacked)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "文件核对无误" in r.stdout and "已安装：qp-eval" in r.stdout
    r = offline([str(unpacked / "qp-eval"), "demo", str(tmp_path / "示例")], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    demo = tmp_path / "示例" / "reports" / "2024"
    assert len(list((demo / "函告").glob("*.docx"))) == 11 and len(list(demo.glob("*.docx"))) == 2
    r = offline([str(unpacked / ".venv" / "bin" / "python"), "-c", "import click"], cwd=tmp_path)
    assert r.returncode != 0  # qp-eval runs on what the bundle holds, nothing a test tool brought along


@needs_bundle
def test_install_without_ensurepip_brings_pip_from_the_bundle(unpacked, tmp_path):
    """Debian's python3 without python3-venv has no ensurepip: the installer makes the environment
    without pip and installs pip from its own wheel."""
    copy = tmp_path / unpacked.name
    shutil.copytree(unpacked, copy, ignore=shutil.ignore_patterns(".venv", "qp-eval"))
    no_ensurepip = ("import runpy, subprocess, sys, venv\n"
                    "def refuse(self, context):\n    raise subprocess.CalledProcessError(1, 'ensurepip')\n"
                    "venv.EnvBuilder._setup_pip = refuse\nsys.argv = ['install.py']\n"
                    "runpy.run_path('install.py', run_name='__main__')\n")
    r = offline([sys.executable, "-c", no_ensurepip], cwd=copy)
    assert r.returncode == 0, r.stdout + r.stderr
    assert subprocess.run([str(copy / "qp-eval"), "--version"], capture_output=True, text=True).stdout.startswith("qp-eval")


@needs_bundle
def test_a_damaged_copy_or_another_python_is_said_and_nothing_installed(unpacked, tmp_path):
    copy = tmp_path / unpacked.name
    shutil.copytree(unpacked, copy, ignore=shutil.ignore_patterns(".venv", "qp-eval"))
    wheel = next((copy / "wheels").glob("typer-*.whl"))
    wheel.write_bytes(wheel.read_bytes()[:-10])  # a copy cut short on the USB stick
    r = offline([sys.executable, "install.py"], cwd=copy)
    assert r.returncode == 1 and f"wheels/{wheel.name}：内容与打包时不同" in r.stdout and not (copy / ".venv").exists()
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    (copy / "manifest.json").write_text(json.dumps({**manifest, "python": ["3.99"]}), encoding="utf-8")
    r = offline([sys.executable, "install.py"], cwd=copy)
    assert r.returncode == 1 and "本安装包支持 Python 3.99" in r.stdout and not (copy / ".venv").exists()
