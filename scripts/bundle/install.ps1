# qp-eval 离线安装（Windows PowerShell）：找到 Python 3.11-3.13，运行 install.py。
# 运行：powershell -ExecutionPolicy Bypass -File install.ps1
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
$exe = $null
$first = @()
foreach ($v in '3.13', '3.12', '3.11') {
    try { & py "-$v" -c "pass" 2>$null | Out-Null; if ($LASTEXITCODE -eq 0) { $exe = 'py'; $first = @("-$v"); break } } catch {}
}
if (-not $exe) {
    try {
        & python -c "import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else 1)" 2>$null | Out-Null
        if ($LASTEXITCODE -eq 0) { $exe = 'python' }
    } catch {}
}
if (-not $exe) {
    Write-Host '未找到 Python 3.11、3.12 或 3.13（更早的版本和 3.14 及以后的版本本安装包不支持）。'
    Write-Host '请先安装 Python 3.13（64 位），安装时选择加入 PATH，再运行本文件。输入 py --version 或 python --version 可查看已安装的版本。'
    Read-Host '按回车键关闭' | Out-Null
    exit 1
}
if (-not (Test-Path (Join-Path $here 'install.py'))) {
    Write-Host '请先把整个压缩包解压到一个文件夹，再运行解压出的 install.ps1。'
    Read-Host '按回车键关闭' | Out-Null
    exit 1
}
& $exe @first (Join-Path $here 'install.py')
$rc = $LASTEXITCODE
Read-Host '按回车键关闭' | Out-Null
exit $rc
