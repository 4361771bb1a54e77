"""A draft as Markdown (for review in a repository or a ticket)."""

from __future__ import annotations

from chujing.report.labels import TODO
from chujing.report.markdown import langs_of


def _t(text: dict[str, str] | None, langs: list[str], sep: str = " / ") -> str:
    if text is None:
        return ""
    return sep.join(dict.fromkeys(text[lg] for lg in langs))


def _cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def render(doc, lang: str = "zh") -> str:
    langs = langs_of(lang)
    out: list[str] = []
    for b in doc.blocks:
        kind = b["type"]
        if kind == "title":
            out += [f"# {_t(b['text'], langs)}", ""]
        elif kind == "meta":
            out += [f"- **{_t(k, langs)}**: {_t(v, langs)}" for k, v in b["rows"]] + [""]
        elif kind == "notice":
            out += [f"> {_t(b['text'], langs, ' ')}", ""]
        elif kind == "heading":
            out += ["#" * (b["level"] + 1) + " " + _t(b["text"], langs), ""]
        elif kind == "para":
            for value in dict.fromkeys(b["text"][lg] for lg in langs):
                out += [value, ""]
        elif kind == "todo":
            hint = f" {_t(b['text'], langs, ' ')}" if b.get("text") else ""
            out += [f"**{TODO}**{hint}", ""]
        elif kind == "bullets":
            out += [f"- {_t(x, langs)}" for x in b["items"]] + [""]
        elif kind == "checklist":
            for x in b["items"]:
                mark = "x" if x.get("done") else " "
                src = f" — {x['source']}" if x.get("source") else ""
                out.append(f"- [{mark}] {_t(x['text'], langs, '<br>')}{src}")
            out.append("")
        elif kind == "table":
            out.append("| " + " | ".join(_cell(_t(h, langs)) for h in b["head"]) + " |")
            out.append("|" + "---|" * len(b["head"]))
            for row in b["rows"]:
                out.append("| " + " | ".join(_cell(_t(c, langs, "<br>")) for c in row) + " |")
            out.append("")
        elif kind == "pagebreak":
            out += ["---", ""]
    return "\n".join(out).rstrip("\n") + "\n"
