@echo off
rem qp-eval 离线安装（Windows）：找到 Python 3.11-3.13，运行 install.py。本文件以 GBK 编码保存（由 make bundle 转换）。
setlocal
cd /d "%~dp0"
if not exist "%~dp0install.py" (
  echo 请先把整个压缩包解压到一个文件夹，再双击解压出的 install.bat（不要在压缩包里直接运行）。
  pause
  exit /b 1
)
set "PY="
for %%V in (3.13 3.12 3.11) do call :try_py %%V
if not defined PY (
  python -c "import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else 1)" >nul 2>&1 && set "PY=python"
)
if not defined PY (
  echo 未找到 Python 3.11、3.12 或 3.13（更早的版本和 3.14 及以后的版本本安装包不支持）。
  echo 请先安装 Python 3.13（64 位），安装时选择加入 PATH，再双击 install.bat。
  echo 在命令窗口中输入 py --version 或 python --version 可查看已安装的版本。
  pause
  exit /b 1
)
%PY% "%~dp0install.py"
set "RC=%ERRORLEVEL%"
pause
exit /b %RC%

:try_py
if defined PY goto :eof
py -%1 -c "pass" >nul 2>&1 && set "PY=py -%1"
goto :eof
