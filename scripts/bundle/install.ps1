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
    Write-Host '未找到 Python 3.11、3.12 或 3.13。请先安装 Python（安装时勾选“Add python.exe to PATH”），再运行本文件。'
    Write-Host '在命令窗口中输入 py --version 或 python --version 可查看已安装的版本。'
    exit 1
}
& $exe @first (Join-Path $here 'install.py')
exit $LASTEXITCODE
