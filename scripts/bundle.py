"""Build the offline install bundle (``make bundle``): dist/qp-eval-<version>-offline.zip.

It holds the qp-eval wheel and binary wheels of every runtime dependency for each platform the bureau's
desks run (Windows x64, Linux x86_64 and aarch64: the 信创 desks) and each CPython the bundle supports,
the installers (scripts/bundle/), 使用说明.txt and manifest.json: every file with its SHA-256 and wheel
tags, and for each platform and Python version the files that install there. The build fails unless
every such set resolves from the bundle's own wheels with no index (``pip install --dry-run
--no-index``), so that a missing wheel is found here and not on a PC without a network.

pip evaluates a requirement's environment markers on the machine it runs on, not on the ``--platform``
it is given: typer's ``colorama; platform_system == "Windows"`` is never fetched for Windows by a build on
Linux. So each set is also closed here by reading every wheel's own requirements with the target's
markers (``closure``), and what that finds missing is downloaded for the target too.

Downloading needs the package registry (PyPI); checking and installing need nothing but the bundle.

    python scripts/bundle.py [--out dist] [--wheels DIR]   # --wheels: reuse wheels downloaded before
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "bundle"
PYTHONS = ("3.11", "3.12", "3.13")
GLIBC = range(28, 16, -1)  # manylinux_2_28 down to 2_17: Kylin V10 and UOS 20 have glibc 2.28
PLATFORMS = {
    "windows-x64": ["win_amd64"],
    "linux-x86_64": [*(f"manylinux_2_{v}_x86_64" for v in GLIBC), "manylinux2014_x86_64"],
    "linux-aarch64": [*(f"manylinux_2_{v}_aarch64" for v in GLIBC), "manylinux2014_aarch64"],
}
STAMP = (2024, 1, 1, 0, 0, 0)  # every file in the zip carries this time: the same inputs make the same zip


class Incomplete(Exception):
    """A platform and Python version whose requirements the bundle cannot satisfy by itself."""


def pip(*args: str, quiet: bool = True) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pip", *args, *(["--quiet"] if quiet else [])]
    return subprocess.run(cmd, capture_output=True, text=True)


def target_args(platform: str, python: str) -> list[str]:
    """pip's options for wheels of another machine: its platform tags, Python version and binaries only."""
    out = ["--only-binary=:all:", "--python-version", python, "--implementation", "cp"]
    for tag in PLATFORMS[platform]:
        out += ["--platform", tag]
    return out


def version() -> str:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


MACHINES = {"windows-x64": "AMD64", "linux-x86_64": "x86_64", "linux-aarch64": "aarch64"}


def target_markers(platform: str, python: str) -> dict[str, str]:
    """The environment markers of a CPython ``python`` on ``platform`` (PEP 508)."""
    windows = platform.startswith("windows")
    return {"sys_platform": "win32" if windows else "linux", "platform_system": "Windows" if windows else "Linux",
            "os_name": "nt" if windows else "posix", "platform_machine": MACHINES[platform], "python_version": python,
            "python_full_version": f"{python}.0", "implementation_name": "cpython",
            "platform_python_implementation": "CPython", "implementation_version": f"{python}.0",
            "platform_release": "", "platform_version": "", "extra": ""}


def closure(wheels: Path, platform: str, python: str, root: str) -> tuple[list[str], list[str]]:
    """(the wheels of ``wheels`` that ``root`` needs on ``platform`` and ``python``, following every
    requirement whose markers hold there; the requirements no wheel in the folder meets)."""
    from email.parser import BytesParser

    from packaging.requirements import Requirement
    from packaging.tags import compatible_tags, cpython_tags
    from packaging.utils import canonicalize_name, parse_wheel_filename

    major, minor = (int(x) for x in python.split("."))
    fits = {str(t) for t in cpython_tags((major, minor), [f"cp{major}{minor}"], PLATFORMS[platform])}
    fits |= {str(t) for t in compatible_tags((major, minor), f"cp{major}{minor}", PLATFORMS[platform])}
    found: dict[str, list[tuple[object, Path]]] = {}
    for path in wheels.glob("*.whl"):
        name, ver, _, tags = parse_wheel_filename(path.name)
        if {str(t) for t in tags} & fits:
            found.setdefault(name, []).append((ver, path))
    env = target_markers(platform, python)
    chosen: dict[str, Path] = {}
    missing: list[str] = []
    todo = [(Requirement(root), "")]
    while todo:
        req, extra = todo.pop()
        if req.marker is not None and not req.marker.evaluate({**env, "extra": extra}):
            continue
        name = canonicalize_name(req.name)
        if name in chosen:
            continue
        candidates = sorted(((v, p) for v, p in found.get(name, []) if req.specifier.contains(v, prereleases=True)),
                            key=lambda vp: vp[0])
        if not candidates:
            missing.append(str(req).split(";")[0].strip())
            continue
        chosen[name] = path = candidates[-1][1]
        with zipfile.ZipFile(path) as z:
            meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
            headers = BytesParser().parsebytes(z.read(meta), headersonly=True)
        for line in headers.get_all("Requires-Dist") or []:
            for wanted in ("", *req.extras):
                todo.append((Requirement(line), wanted))
    return sorted(p.name for p in chosen.values()), sorted(set(missing))


def build_wheel(into: Path) -> Path:
    r = pip("wheel", "--no-deps", "--wheel-dir", str(into), str(ROOT))
    if r.returncode:
        raise SystemExit(f"qp-eval 的 wheel 未能生成：\n{r.stderr}")
    (wheel,) = into.glob("qp_eval-*.whl")
    return wheel


def download(wheel: Path, into: Path) -> None:
    """Every dependency's wheel for every platform and Python, and pip itself (for a Python without ensurepip)."""
    for platform in PLATFORMS:
        for python in PYTHONS:
            print(f"下载 {platform} / Python {python} 的依赖……", flush=True)
            wanted = [str(wheel)]
            for _ in range(5):  # then what the target's own markers ask for (closure), until nothing is missing
                r = pip("download", "--dest", str(into), "--find-links", str(into), *target_args(platform, python), *wanted)
                if r.returncode:
                    raise SystemExit(f"{platform} / Python {python} 的依赖未能下载：\n{r.stderr}")
                wanted = closure(into, platform, python, f"qp-eval=={version()}")[1]
                if not wanted:
                    break
    r = pip("download", "--dest", str(into), "--only-binary=:all:", "--no-deps", "pip")
    if r.returncode:
        raise SystemExit(f"pip 的 wheel 未能下载：\n{r.stderr}")


def resolve(wheels: Path, platform: str, python: str, requirement: str) -> list[str]:
    """The files of ``wheels`` that install ``requirement`` on ``platform`` and ``python``, resolved with
    no index and no configuration (nothing outside the folder can be used); Incomplete when they do not."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        r = pip("install", "--dry-run", "--ignore-installed", "--isolated", "--no-index", "--find-links", str(wheels),
                *target_args(platform, python), "--report", str(report), requirement)
        if r.returncode:
            said = [line for line in r.stderr.splitlines() if "ERROR" in line] or r.stderr.splitlines()[-3:]
            raise Incomplete(f"{platform} / Python {python}：" + "；".join(said))
        data = json.loads(report.read_text(encoding="utf-8"))
    return sorted(item["download_info"]["url"].rsplit("/", 1)[1] for item in data["install"])


def wheel_tags(name: str) -> list[str]:
    """The tags a wheel's file name claims, expanded (``cp313-cp313-manylinux2014_x86_64.manylinux_2_17_x86_64``)."""
    py, abi, plat = name[:-len(".whl")].split("-")[-3:]
    return [f"{p}-{a}-{x}" for p in py.split(".") for a in abi.split(".") for x in plat.split(".")]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest(folder: Path, wheels: Path, requirement: str, the_version: str) -> dict:
    """The bundle's manifest: every file with its SHA-256 (and a wheel's tags), and each set checked."""
    sets = {}
    problems = []
    for platform in PLATFORMS:
        for python in PYTHONS:
            try:
                resolved = resolve(wheels, platform, python, requirement)
            except Incomplete as e:
                problems.append(str(e))
                continue
            needed, missing = closure(wheels, platform, python, requirement)
            if missing:
                problems.append(f"{platform} / Python {python}：缺少 {'、'.join(missing)} 的 wheel（按该平台的环境标记需要）")
            sets[f"{platform}/{python}"] = sorted(set(resolved) | set(needed))
    if problems:
        raise Incomplete("\n".join(problems))
    files = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json"):
        rel = path.relative_to(folder).as_posix()
        entry = {"path": rel, "sha256": sha256(path), "size": path.stat().st_size}
        if path.suffix == ".whl":
            entry["tags"] = wheel_tags(path.name)
        files.append(entry)
    used = {name for names in sets.values() for name in names}
    unused = sorted(p.name for p in wheels.glob("*.whl") if p.name not in used and not p.name.startswith("pip-"))
    return {"format": "qp-eval-offline-bundle/1", "name": "qp-eval", "version": the_version,
            "python": list(PYTHONS), "platforms": list(PLATFORMS),
            "platform_tags": PLATFORMS, "sets": sets, "unused": unused, "files": files}


def lay_out(folder: Path, the_version: str) -> None:
    """The installers and the instructions, each in the encoding its reader expects."""
    for name in ("install.py", "install.sh"):
        shutil.copy(TEMPLATES / name, folder / name)
    text = (TEMPLATES / "install.bat").read_text(encoding="utf-8")  # cmd.exe reads a .bat in the code page: GBK
    (folder / "install.bat").write_bytes(text.replace("\n", "\r\n").encode("gbk"))
    text = (TEMPLATES / "install.ps1").read_text(encoding="utf-8")  # Windows PowerShell 5 reads UTF-8 with a BOM
    (folder / "install.ps1").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    text = (TEMPLATES / "使用说明.txt").read_text(encoding="utf-8")
    text = text.replace("{version}", the_version).replace("{pythons}", "、".join(PYTHONS))
    (folder / "使用说明.txt").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))  # Notepad


def write_zip(folder: Path, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", STAMP)
            info.compress_type = zipfile.ZIP_STORED if path.suffix == ".whl" else zipfile.ZIP_DEFLATED
            info.external_attr = (0o755 if path.suffix == ".sh" else 0o644) << 16
            z.writestr(info, path.read_bytes())
    tmp.replace(target)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "dist")
    ap.add_argument("--wheels", type=Path, help="a folder of wheels downloaded before (nothing is downloaded)")
    args = ap.parse_args()
    the_version = version()
    name = f"qp-eval-{the_version}-offline"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / name
        wheels = folder / "wheels"
        wheels.mkdir(parents=True)
        wheel = build_wheel(wheels)
        if args.wheels:
            for p in args.wheels.glob("*.whl"):
                if not p.name.startswith("qp_eval-"):
                    shutil.copy(p, wheels / p.name)
        else:
            download(wheel, wheels)
        lay_out(folder, the_version)
        try:
            data = manifest(folder, wheels, f"qp-eval=={the_version}", the_version)
        except Incomplete as e:
            print(f"离线安装包不完整，未生成：\n{e}", file=sys.stderr)
            return 1
        (folder / "manifest.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        args.out.mkdir(parents=True, exist_ok=True)
        target = args.out / f"{name}.zip"
        write_zip(folder, target)
    size = target.stat().st_size / 1_000_000
    print(f"已生成 {target}（{size:.0f} MB）：{len(data['files'])} 个文件；"
          f"{len(data['sets'])} 组（{len(PLATFORMS)} 个平台 × Python {'、'.join(PYTHONS)}）都能只用包内的 wheel 安装。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
