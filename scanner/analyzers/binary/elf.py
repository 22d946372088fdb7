"""binary/elf: ELF shared libraries and executables (`lib/arm64-v8a/*.so` in APKs, Linux wheels).

Read with pyelftools (README.md says why): DT_NEEDED and DT_SONAME become LIBRARY facts (the
link name, `libBUAdSDK.so` -> `BUAdSDK`, as signatures name libraries), and JNI exports
(`Java_com_tiktok_open_sdk_core_NativeBridge_endpoint`) become CLASS facts for the Java class
they implement. Strings are left to binary/strings.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, ClassVar

from scanner.analyzers.binary.common import class_facts, location, sniff
from scanner.analyzers.interface import FileInput
from scanner.errors import ParseError
from scanner.model import Context, Fact, FactKind

MAX_SYMBOLS = 500_000


def link_name(soname: str) -> str:
    """`libBUAdSDK.so.1` -> `BUAdSDK`: the name a linker flag (`-lBUAdSDK`) and signatures use."""
    base = soname.rsplit("/", 1)[-1]
    base = base.split(".so", 1)[0]
    return base[3:] if base.startswith("lib") and len(base) > 3 else base


def jni_class(symbol: str) -> str | None:
    """Java class of a JNI export: `Java_com_example_Foo_bar` -> `com.example.Foo` (JNI name mangling)."""
    if not symbol.startswith("Java_"):
        return None
    body = symbol[5:].split("__", 1)[0]  # `__` starts the overload signature
    parts: list[str] = []
    current = ""
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "_" and i + 1 < len(body) and body[i + 1] in "0123":
            escape = body[i + 1]
            if escape == "1":
                current += "_"
                i += 2
            elif escape == "0" and i + 6 <= len(body):
                current += chr(int(body[i + 2 : i + 6], 16))
                i += 6
            else:  # `_2` is `;` and `_3` is `[`: only in signatures
                return None
            continue
        if ch == "_":
            parts.append(current)
            current = ""
        else:
            current += ch
        i += 1
    parts.append(current)
    if len(parts) < 2 or not all(parts):
        return None
    return ".".join(parts[:-1])


def _elf(data: bytes) -> Any:
    from elftools.common.exceptions import ELFError

    try:
        from elftools.elf.elffile import ELFFile

        return ELFFile(io.BytesIO(data)), ELFError
    except ELFError as exc:
        raise ParseError(f"unreadable ELF file: {exc}") from exc


class ElfAnalyzer:
    name: ClassVar[str] = "binary/elf"
    version: ClassVar[str] = "1.0.0"
    priority: ClassVar[int] = 10
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = True

    binary_only: ClassVar[bool] = True  # wants no text file: the registry imports it only for a binary one

    def wants(self, path: str, is_text: bool) -> bool:
        return not is_text

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        if sniff(file.data) != "elf":
            return
        try:
            facts = list(self._facts(file))
        except ParseError:
            raise
        except Exception as exc:  # pyelftools raises ELFError, struct.error, ValueError... on bad input
            raise ParseError(f"unreadable or truncated ELF file: {type(exc).__name__}: {exc}") from exc
        yield from facts

    def _facts(self, file: FileInput) -> Iterator[Fact]:
        elf, _error = _elf(file.data)
        dynamic = elf.get_section_by_name(".dynamic")
        if dynamic is not None:
            strtab = elf.get_section_by_name(".dynstr")
            for tag in dynamic.iter_tags():
                kind = tag.entry.d_tag
                if kind not in ("DT_NEEDED", "DT_SONAME"):
                    continue
                soname = tag.needed if kind == "DT_NEEDED" else tag.soname
                offset = strtab["sh_offset"] + tag.entry.d_val if strtab is not None else dynamic["sh_offset"]
                yield Fact(kind=FactKind.LIBRARY, value=link_name(soname), location=location(file, offset),
                           context=Context.BINARY, analyzer=self.name, evidence=f"{kind} {soname}")
        names: list[tuple[str, int, str]] = []
        dynsym = elf.get_section_by_name(".dynsym")
        if dynsym is not None and hasattr(dynsym, "iter_symbols"):
            strings = dynsym.stringtable["sh_offset"]
            for count, symbol in enumerate(dynsym.iter_symbols()):
                if count >= MAX_SYMBOLS:
                    break
                cls = jni_class(symbol.name)
                if cls is not None:
                    names.append((cls, strings + symbol["st_name"], f"JNI export {symbol.name} of"))
        yield from class_facts(file, names, self.name, "ELF dynamic symbols")
