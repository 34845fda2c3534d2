#!/bin/sh
# qp-eval 离线安装（Linux：统信 UOS、银河麒麟等信创桌面，x86_64 或 ARM64）：找到 Python 3.11-3.13，运行 install.py。
cd "$(dirname "$0")" || exit 1
for py in python3.13 python3.12 python3.11 python3 python; do
  if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else 1)' 2>/dev/null; then
    exec "$py" install.py "$@"
  fi
done
echo "未找到 Python 3.11、3.12 或 3.13（运行 python3 --version 可查看已安装的版本；更早的版本和 3.14 及以后的版本本安装包不支持）。" >&2
echo "请先从系统的软件商店或安装源安装 Python 3.11、3.12 或 3.13，再运行 sh install.sh。" >&2
exit 1
