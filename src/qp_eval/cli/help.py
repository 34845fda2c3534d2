"""Help and usage text in Chinese, laid out by display width, without rich.

typer's rich help imports rich.markdown and markdown-it (about 90 ms of a 180 ms ``--help``)
and names its panels in English; click's plain formatter measures text in characters, so
Chinese (two columns a character) runs past the terminal's edge. This module keeps click's
plain layout and fixes both: headings and the usage prefix in Chinese, and every paragraph
and definition wrapped by display width (a CJK character may break anywhere, a Latin word
does not). The command classes are passed to typer with ``cls=``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence

import typer
from typer import core as typer_core

from ..core.linebreak import width_of, wrap
from ..core.text import join_lines

try:  # typer >= 0.20 ships its own copy of click
    from typer._click import exceptions as typer_click
    from typer._click.formatting import HelpFormatter
    from typer._click.globals import get_current_context
except ImportError:  # pragma: no cover - older typer with click installed beside it
    from click import exceptions as typer_click  # type: ignore[no-redef]  # noqa: F401 - cli imports it from here
    from click import get_current_context  # type: ignore[no-redef]  # noqa: F401
    from click.formatting import HelpFormatter  # type: ignore[no-redef]

HEADINGS = {"Options": "选项", "Arguments": "参数", "Commands": "命令"}
# typer builds the bracketed extras of an option's help with gettext; these are its texts.
TEXTS = {"default: {default}": "默认：{default}", "required": "必填", "(dynamic)": "（动态）",
         "env var: {var}": "环境变量：{var}", "Aborted!": "已中止。"}


def _translate(message: str) -> str:
    return TEXTS.get(message, message)


typer_core._ = _translate  # type: ignore[attr-defined]


def terminal_width() -> int:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 20:
        return min(int(columns), 100)
    return min(shutil.get_terminal_size((80, 24)).columns, 100)


class ZhHelpFormatter(HelpFormatter):
    """click's plain help formatter, in Chinese and measuring by display width."""

    def __init__(self, indent_increment: int = 2, width: int | None = None, max_width: int | None = None) -> None:
        super().__init__(indent_increment=indent_increment, width=width or terminal_width(), max_width=max_width)
        self.width = width or terminal_width()

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        prefix = "用法：" if prefix is None else prefix
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        args = re.sub(r"\{([^{}]+)\}", r"\1", args)  # a required argument: its name, as people write it
        head = f"{' ' * self.current_indent}{prefix}{prog} "
        pad = " " * width_of(head)
        body = wrap(args, max(self.width - width_of(head), 20))
        self.write(head + body[0] + "\n")
        for line in body[1:]:
            self.write(pad + line + "\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{' ' * self.current_indent}{HEADINGS.get(heading, heading)}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        out = []
        for p in (p.strip() for p in text.split("\n\n")):
            lines = p.splitlines()  # a paragraph of example commands keeps its lines
            if not _is_example(lines):
                lines = wrap(join_lines(lines), self.width - len(indent))
            out.append("\n".join(indent + line.strip() for line in lines))
        self.write("\n\n".join(out) + "\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        # an argument's Python type (<str>, <list[Path]>) means nothing to a clerk: its name says it
        rows = [(re.sub(r" <[^<>]*(?:<[^<>]*>)?[^<>]*>$", "", first), second) for first, second in rows]
        first_col = min(max((width_of(a) for a, _ in rows), default=0), col_max) + col_spacing
        text_width = max(self.width - self.current_indent - first_col, 16)
        for first, second in rows:
            self.write(f"{' ' * self.current_indent}{first}")
            lines = wrap(second, text_width) if second else []
            if not lines:
                self.write("\n")
                continue
            if width_of(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width_of(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(" " * (first_col + self.current_indent) + line + "\n")


def _is_example(lines: list[str]) -> bool:
    """Whether every line of a paragraph is a command (starts with ``qp-eval``)."""
    return bool(lines) and all(line.strip().startswith("qp-eval") for line in lines)


class ZhContext(typer.Context):
    formatter_class = ZhHelpFormatter

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("help_option_names", ["-h", "--help"])
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


PARAM_HELP = {  # typer's own options, in Chinese
    "install_completion": "为当前的命令行外壳（bash、zsh、fish、PowerShell）安装命令补全。",
    "show_completion": "显示命令补全脚本，以便复制或自行安装。",
}


class _Chinese:
    """What ZhCommand and ZhGroup share: the help option and typer's own options in Chinese."""

    def get_help_option(self, ctx):  # noqa: ANN001, ANN201
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "显示本帮助并退出。"
        return option

    def get_params(self, ctx):  # noqa: ANN001, ANN201 - typer appends its completion options after __init__
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if param.name in PARAM_HELP:
                param.help = PARAM_HELP[param.name]
        return params


class ZhCommand(_Chinese, typer_core.TyperCommand):
    context_class = ZhContext

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs["options_metavar"] = "[选项]"
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class ZhGroup(_Chinese, typer_core.TyperGroup):
    context_class = ZhContext

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs["options_metavar"] = "[选项]"
        kwargs["subcommand_metavar"] = "命令 [参数]..."
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def format_commands(self, ctx: typer.Context, formatter: HelpFormatter) -> None:  # type: ignore[override]
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is None or cmd.hidden:
                continue
            text = (cmd.short_help or cmd.help or "").strip().split("\n\n")[0]
            rows.append((name, text.split("。")[0] + ("。" if "。" in text else "")))
        if rows:
            with formatter.section("命令"):
                formatter.write_dl(rows)


# --- click's usage errors, in Chinese -------------------------------------------------------

_TYPE_WORDS = {"integer": "整数", "int": "整数", "float": "数字", "number": "数字", "boolean": "是或否", "bool": "是或否",
               "date": "日期", "path": "路径"}


def _value_problem(message: str) -> str:
    """What typer or pydantic said about a value, in Chinese where we know the sentence."""
    m = re.search(r"valid (integer|int|float|number|boolean|bool|date)", message)
    if m:
        return f"应为{_TYPE_WORDS[m.group(1)]}"
    m = re.match(r"(?:Value error, )?'?(.*?)'? is not one of (.*)\.$", message)
    if m:
        choices = [c.strip().strip("'\"") for c in m.group(2).split(",")]
        listed = "、".join(choices[:-1]) + " 或 " + choices[-1] if len(choices) > 1 else choices[0]
        return f"只能是 {listed}（现为“{m.group(1)}”）"
    m = re.search(r"'(.*)' does not exist", message)
    if m:
        return f"{m.group(1)} 不存在"
    return message


def _hint(e: Exception) -> str:
    param = getattr(e, "param", None)
    hint = getattr(e, "param_hint", None)
    if hint is None and param is not None:
        opts = [o for o in getattr(param, "opts", []) if o.startswith("-")]
        hint = " / ".join(opts) if opts else str(getattr(param, "metavar", None) or getattr(param, "name", "") or "")
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(hint)
    return str(hint or "").strip("'\"")


def usage_error_text(e: Exception) -> str:
    """The one-line Chinese message for a click usage error."""
    kind = type(e).__name__
    message = str(getattr(e, "message", "") or "")
    if kind == "NoSuchOption":
        option = getattr(e, "option_name", "")
        from difflib import SequenceMatcher

        near = sorted(getattr(e, "possibilities", None) or [],  # the closest first
                      key=lambda p: (-SequenceMatcher(None, option, p).ratio(), p))
        return f"没有这个选项：{option}" + (f"（是否为 {'、'.join(near)}？）" if near else "")
    if kind == "MissingParameter":
        what = "参数" if getattr(getattr(e, "param", None), "param_type_name", "") == "argument" else "选项"
        return f"缺少{what} {_hint(e)}"
    if kind == "BadParameter":
        problem = message if re.search(r"[\u4e00-\u9fff]", message) else _value_problem(message)
        return f"{_hint(e)} 的值无效：{problem}"
    m = re.match(r"Option '(.+)' requires (an argument|\d+ arguments)", message)
    if m:
        return f"选项 {m.group(1)} 后面需要跟一个值"
    m = re.match(r"Option '(.+)' does not take a value", message)
    if m:
        return f"选项 {m.group(1)} 不接受值"
    m = re.match(r"No such command '(.+?)'\.?(?: Did you mean (.+)\?)?$", message)
    if m:
        near = m.group(2).replace("'", "").replace(", ", "、") if m.group(2) else ""
        return f"没有这个命令：{m.group(1)}" + (f"（是否为 {near}？）" if near else "")
    m = re.match(r"Got unexpected extra argument(?:\(s\)|s)? \((.*)\)", message)
    if m:
        return f"多余的参数：{m.group(1)}"
    if message.startswith("Missing command"):
        return "缺少命令"
    return message


def show_usage_error(e: Exception, write) -> None:  # noqa: ANN001 - a function that prints one line
    """Usage, where to find help, and the error, as click shows them, in Chinese. A command given
    nothing at all (``qp-eval``, ``qp-eval rubric``) shows its help instead."""
    ctx = getattr(e, "ctx", None)
    if type(e).__name__ == "NoArgsIsHelpError" and ctx is not None:
        write(ctx.get_help())
        return
    if ctx is not None:
        write(ctx.get_usage())
        example = next((line.strip() for line in (getattr(ctx.command, "help", "") or "").splitlines()
                        if line.strip().startswith("qp-eval ")), "")
        if example:
            write(f"例如：{example}")
        write(f"运行 “{ctx.command_path} -h” 查看帮助。")
        write("")
    for line in wrap(f"错误：{usage_error_text(e)}", terminal_width()):
        write(line)
