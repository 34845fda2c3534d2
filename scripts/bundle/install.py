"""qp-eval 离线安装程序：在本文件夹中建立虚拟环境 .venv，只从本文件夹的 wheels/ 安装，不联网。

由 install.bat（Windows）、install.ps1 或 install.sh（Linux）调用，也可以直接运行：python install.py
只用 Python 标准库。先按 manifest.json 核对每个文件的 SHA-256（U 盘或共享文件夹拷坏的文件会被指出），
再按本机的平台和 Python 版本安装，最后在本文件夹放一个 qp-eval 启动文件。
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import struct
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
WHEELS = HERE / "wheels"
ENV = HERE / ".venv"
LABELS = {"windows-x64": "Windows 64 位", "linux-x86_64": "Linux x86_64", "linux-aarch64": "Linux ARM64（aarch64）"}


def say(text: str = "") -> None:
    try:
        print(text, flush=True)
    except UnicodeEncodeError:  # a console that cannot show Chinese: the text as codes, never a crash
        print(text.encode(sys.stdout.encoding or "ascii", "replace").decode(sys.stdout.encoding or "ascii"), flush=True)


def platform_key() -> str | None:
    machine = platform.machine().lower()
    if sys.platform == "win32":
        return "windows-x64" if machine in ("amd64", "x86_64") else None
    if sys.platform.startswith("linux"):
        return {"x86_64": "linux-x86_64", "amd64": "linux-x86_64", "aarch64": "linux-aarch64", "arm64": "linux-aarch64"}.get(machine)
    return None


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def checked(manifest: dict) -> list[str]:
    """The files of the manifest that are missing or not as built."""
    bad = []
    for entry in manifest["files"]:
        path = HERE / entry["path"]
        if not path.is_file():
            bad.append(f"{entry['path']}：缺少")
        elif sha256(path) != entry["sha256"]:
            bad.append(f"{entry['path']}：内容与打包时不同（可能在复制中损坏）")
    return bad


def main() -> int:
    try:
        manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        say("找不到或无法读取 manifest.json：请把离线安装包完整解压后，在解压出的文件夹中运行。")
        return 1
    version = manifest["version"]
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    say(f"qp-eval {version} 离线安装（本机：{platform.system()} {platform.machine()}，Python {python}）")
    if python not in manifest["python"]:
        say(f"本安装包支持 Python {'、'.join(manifest['python'])}，本机是 Python {python}。"
            "请安装其中一个版本后再运行安装程序（python --version 可查看版本）。")
        return 1
    if struct.calcsize("P") != 8:  # a 32-bit Python reports the machine (AMD64), not itself
        say("本机的 Python 是 32 位的，本安装包只含 64 位的组件：请安装 64 位的 Python 3.11、3.12 或 3.13 后再运行。")
        return 1
    key = platform_key()
    if key not in manifest["platforms"]:
        say(f"本安装包支持的平台：{'、'.join(LABELS.get(k, k) for k in manifest['platforms'])}；本机（{platform.system()} {platform.machine()}）不在其中。"
            f"请在能上网的电脑上运行 python -m pip install wheels/qp_eval-{version}-py3-none-any.whl"
            "（pip 会从软件源取得本机平台所需的其他组件），或联系维护人员。")
        return 1
    bad = checked(manifest)
    if bad:
        say("以下文件缺少或已损坏，请重新复制完整的安装包：")
        for line in bad:
            say(f"  {line}")
        return 1
    say("文件核对无误（SHA-256）。")
    env_python = ENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not env_python.exists():
        say(f"建立虚拟环境：{ENV}")
        try:
            venv.EnvBuilder(with_pip=True).create(ENV)
        except (subprocess.CalledProcessError, OSError):  # no ensurepip (Debian's python3 without python3-venv)
            venv.EnvBuilder(with_pip=False, clear=True).create(ENV)
            pip_wheel = next(WHEELS.glob("pip-*.whl"))
            subprocess.run([str(env_python), str(pip_wheel / "pip"), "install", "--isolated", "--no-index", "--quiet",
                            str(pip_wheel)], check=True)
    say("从 wheels/ 安装（不联网）……")
    offline = {**os.environ, "PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    r = subprocess.run([str(env_python), "-m", "pip", "install", "--isolated", "--no-index", "--find-links", str(WHEELS),
                        "--only-binary=:all:", "--upgrade", "--quiet", f"qp-eval=={version}"], env=offline)
    if r.returncode:
        say("安装未完成（上面是 pip 的说明）。请把这个窗口的内容截图交给维护人员。")
        return 1
    launcher = write_launcher()
    done = subprocess.run([str(launcher_target()), "--version"], capture_output=True, text=True, encoding="utf-8",
                          errors="replace")
    say(f"已安装：{done.stdout.strip() or 'qp-eval'}")
    say()
    say("下一步：")
    if os.name == "nt":
        say(f"  在本文件夹（{HERE}）的地址栏输入 cmd 回车，打开命令窗口，输入：")
        say("    qp-eval demo")
        say("  在示例年度上做完一年的工作（复制到 qp-eval-示例 文件夹）。其他文件夹中运行时写完整路径：")
        say(f"    \"{launcher}\" --help")
    else:
        say("  在本文件夹中运行：")
        say("    ./qp-eval demo")
        say(f"  在示例年度上做完一年的工作。在其他目录中运行时写完整路径 {launcher}，")
        say(f"  或把 {launcher.parent} 加入 PATH。")
    return 0


def launcher_target() -> Path:
    return ENV / ("Scripts/qp-eval.exe" if os.name == "nt" else "bin/qp-eval")


def write_launcher() -> Path:
    """A qp-eval beside the installer that runs the one in .venv (a virtual environment is not moved: after
    moving the folder, install again)."""
    if os.name == "nt":
        path = HERE / "qp-eval.bat"
        path.write_bytes(b'@"%~dp0.venv\\Scripts\\qp-eval.exe" %*\r\n')
    else:
        path = HERE / "qp-eval"
        path.write_text('#!/bin/sh\nexec "$(dirname "$(readlink -f "$0")")/.venv/bin/qp-eval" "$@"\n', encoding="utf-8")
        path.chmod(0o755)
    return path


if __name__ == "__main__":
    sys.exit(main())
