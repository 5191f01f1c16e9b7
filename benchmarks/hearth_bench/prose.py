"""Varied Markdown for the benchmark's issues, as a real archive's writers vary it.

Real issues are not one template repeated: over 13 years they hold nested and loose
lists, tables, footnotes, reference-style links, inline HTML, code in several
languages, headings with ids, emoji, non-Latin text and lines of every length.
Each issue draws its blocks and its inline text from a seeded generator, so the
shapes vary from block to block (how deep a list goes, which marker it takes, where a
link or a footnote falls), never a fixed template a fast path could be tuned to, and
the same issue number always gives the same text.

Every extension of the demo's MARKDOWN setting (extra: abbr, attr_list, def_list,
fenced_code, footnotes, md_in_html, tables; codehilite; toc) has something to do.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field


def _listed(words: str) -> tuple[str, ...]:
    return tuple(words.split())


ENGLISH = _listed(
    "small tools make long afternoons shorter and a weekend project grows into something "
    "people use every day the paper folds twice then once more before the staple goes in "
    "type on screens needs room to breathe while colour carries meaning only when contrast "
    "holds members wrote about shipping late and shipping early about notebooks kilns fonts "
    "keyboards printers birdhouses quilts budgets recipes maps and the joy of finishing "
    "it's don't we'll readers' letters (again) re-read half-finished self-hosted 3.5mm "
    "v2.0 e.g. i.e. 24/7 £12 €30 $5 50% 10× naïve café façade résumé jalapeño"
)
# Words of other scripts, as a newsletter's readers and sources write them.
FOREIGN = _listed(
    "東京 活版印刷 紙 手帳 文字 組版 北京 書法 汉字 设计 서울 글꼴 디자인 Ελληνικά τυπογραφία "
    "χαρτί Москва шрифт бумага вёрстка القاهرة خط تصميم देवनागरी अक्षर קריאה "
    "ภาษาไทย Việt Nam tiếng Ærø Þórsmörk Łódź Øresund İstanbul"
)
EMOJI = _listed("🎉 ✨ 📚 🧵 🖨️ ✂️ 🪡 👩‍💻 🧑🏽‍🎨 🇯🇵 🇧🇷 ❤️ 👍🏿 ☕ 🚀 🐛 🔧 📮 🗺️ ⌨️")
ABBREVIATIONS = {"HTML": "HyperText Markup Language", "RSS": "Really Simple Syndication"}
ABBREVIATIONS |= {"CSS": "Cascading Style Sheets", "PDF": "Portable Document Format"}
# The words of addresses' paths.
SLUGS = _listed("zines fonts paper kiln 2024 notes post tools a-long-read index weekly type")
HOSTS = ("example.com", "example.org", "blog.example.net", "zine.example", "docs.example.io")


@dataclass
class Issue:
    """What one issue has declared so far: its footnotes, references and ids."""

    rng: random.Random
    number: int
    footnotes: list[str] = field(default_factory=list)
    references: dict[str, str] = field(default_factory=dict)
    ids: int = 0

    def word(self) -> str:
        roll = self.rng.random()
        if roll < 0.05:
            return self.rng.choice(FOREIGN)
        if roll < 0.07:
            return self.rng.choice(EMOJI)
        if roll < 0.075:
            return self.rng.choice(tuple(ABBREVIATIONS))
        return self.rng.choice(ENGLISH)

    def words(self, low: int, high: int) -> str:
        return " ".join(self.word() for _ in range(self.rng.randint(low, high)))

    def url(self) -> str:
        rng = self.rng
        host = f"{rng.choice(('', 'www.', 'news.'))}site{rng.randint(1, 900)}.{rng.choice(HOSTS)}"
        path = "/".join(rng.choice(SLUGS) for _ in range(rng.randint(0, 4)))
        tail = rng.choice(("", "", "/", ".html", f"?id={rng.randint(1, 99)}&ref=hearth"))
        tail += rng.choice(("", "", "", f"#{rng.choice(ENGLISH).strip('().')}", "_(page)"))
        return f"{rng.choice(('https', 'https', 'http'))}://{host}/{path}{tail}"

    def closing_size(self) -> int:
        """About the bytes of the definitions the body ends with (see ``closing``)."""
        notes = sum(len(text.encode()) + 8 for text in self.footnotes)
        return notes + sum(len(label) + len(url) + 5 for label, url in self.references.items())

    def next_id(self) -> str:
        self.ids += 1
        return f"{self.rng.choice(ENGLISH).strip('().,$£€%×')}-{self.number}-{self.ids}"


def _emphasis(issue: Issue) -> str:
    marks = issue.rng.choice(("*", "_", "**", "__", "***", "*", "**"))
    return f"{marks}{issue.words(1, 4)}{marks}"


def _code_span(issue: Issue) -> str:
    code = issue.rng.choice(
        ("x < y", "a && b", "git rebase -i", "<div>", "&amp;", "print()", "ls -la", "`")
    )
    return f"`` {code} ``" if "`" in code else f"`{code}`"


def _inline_link(issue: Issue) -> str:
    text = issue.words(1, 6)
    if issue.rng.random() < 0.2:
        text = f"{_emphasis(issue)} {issue.words(1, 3)}"
    title = f' "{issue.words(1, 4)}"' if issue.rng.random() < 0.15 else ""
    url = issue.url()
    url = f"<{url}>" if issue.rng.random() < 0.05 else url
    return f"[{text}]({url}{title})"


def _reference_link(issue: Issue) -> str:
    label = f"{issue.rng.choice(ENGLISH).strip('().,')} {issue.rng.randint(1, 99)}"
    issue.references.setdefault(label.lower(), issue.url())
    style = issue.rng.randrange(3)
    if style == 0:
        return f"[{issue.words(1, 5)}][{label}]"
    if style == 1:
        return f"[{label.upper()}][]"
    return f"[{label}]"


def _footnote(issue: Issue) -> str:
    if issue.footnotes and issue.rng.random() < 0.2:
        return f"[^{issue.rng.randint(1, len(issue.footnotes))}]"
    issue.footnotes.append(_sentence(issue, 6, 30))
    return f"[^{len(issue.footnotes)}]"


def _inline_html(issue: Issue) -> str:
    return issue.rng.choice(
        (
            f"<kbd>{issue.rng.choice(('Ctrl', 'Cmd', '⌘', 'Alt'))}</kbd>+<kbd>K</kbd>",
            f'<abbr title="{issue.words(2, 4)}">{issue.word()}</abbr>',
            f'<span class="aside">{issue.words(1, 5)}</span>',
            f"<mark>{issue.words(1, 3)}</mark>",
            "<br>",
            f"<sup>{issue.rng.randint(1, 9)}</sup>",
            f"<small>{issue.words(2, 5)}</small>",
        )
    )


def _entity(issue: Issue) -> str:
    return issue.rng.choice(("&amp;", "&mdash;", "&#8212;", "&nbsp;", "&lt;3", "\\*", "\\_", "&"))


def _autolink(issue: Issue) -> str:
    if issue.rng.random() < 0.3:
        return f"<hello{issue.rng.randint(1, 9)}@{issue.rng.choice(HOSTS)}>"
    return f"<{issue.url()}>"


# Inline pieces by how often a writer reaches for them; plain words the rest of the time.
INLINE: tuple[tuple[float, Callable[[Issue], str]], ...] = (
    (0.07, _inline_link),
    (0.008, _reference_link),
    (0.03, _emphasis),
    (0.015, _code_span),
    (0.0015, _footnote),
    (0.006, _inline_html),
    (0.006, _entity),
    (0.002, _autolink),
)
PUNCTUATION = (",", ",", ";", ":", " —", " –", "…", "?", "!")


def _text(issue: Issue, low: int, high: int) -> str:
    """A run of inline text: words, with links, emphasis, code and the rest among them."""
    pieces = [issue.word()]  # a word first: a marker at a line's start would open a block
    for _ in range(issue.rng.randint(low, high)):
        roll = issue.rng.random()
        for share, make in INLINE:
            if roll < share:
                pieces.append(make(issue))
                break
            roll -= share
        else:
            pieces.append(issue.word())
            if issue.rng.random() < 0.06:
                pieces[-1] += issue.rng.choice(PUNCTUATION)
    return " ".join(pieces)


def _sentence(issue: Issue, low: int, high: int) -> str:
    text = _text(issue, low, high)
    return text[0].upper() + text[1:] + issue.rng.choice((".", ".", ".", "!", "?"))


def _wrapped(issue: Issue, text: str) -> str:
    """As one long line (most editors today) or wrapped at a width the writer chose."""
    if issue.rng.random() < 0.5:
        return text
    width, lines, line = issue.rng.randint(60, 100), [], ""
    for piece in text.split(" "):
        if line and len(line) + len(piece) > width:
            lines.append(line)
            line = piece
        else:
            line = f"{line} {piece}" if line else piece
    lines.append(line)
    ending = "  \n" if issue.rng.random() < 0.05 else "\n"
    return ending.join(lines)


def paragraph(issue: Issue) -> str:
    sentences = " ".join(_sentence(issue, 5, 40) for _ in range(issue.rng.randint(1, 6)))
    text = _wrapped(issue, sentences)
    if issue.rng.random() < 0.03:
        text += "\n{: ." + issue.rng.choice(("note", "aside", "lede")) + " }"
    return text


def _list_items(issue: Issue, depth: int, loose: bool) -> list[str]:
    rng = issue.rng
    ordered = rng.random() < 0.3
    marker = rng.choice("-*+")
    indent = "    " * depth
    start = rng.choice((1, 1, 1, rng.randint(2, 30)))
    items = []
    for index in range(rng.randint(2, 9 if depth == 0 else 4)):
        bullet = f"{start + index}." if ordered else marker
        if rng.random() < 0.6:
            body = f"{_inline_link(issue)}{rng.choice((':', ' —', ',', ''))} {_text(issue, 2, 25)}"
        else:
            body = _text(issue, 3, 30)
        item = f"{indent}{bullet} {body}"
        if loose and rng.random() < 0.3:
            item += f"\n\n{indent}    {_sentence(issue, 5, 30)}"
        if depth < 2 and rng.random() < 0.15:
            item += "\n" + ("\n" if loose else "") + "\n".join(_list_items(issue, depth + 1, loose))
        items.append(item)
    return items


def bullet_list(issue: Issue) -> str:
    loose = issue.rng.random() < 0.25
    return ("\n\n" if loose else "\n").join(_list_items(issue, 0, loose))


def table(issue: Issue) -> str:
    rng = issue.rng
    columns = rng.randint(2, 5)
    header = [issue.words(1, 2).capitalize() for _ in range(columns)]
    rule = [rng.choice(("---", ":---", "---:", ":---:")) for _ in range(columns)]
    rows = [header, rule]
    for _ in range(rng.randint(2, 12)):
        rows.append([_text(issue, 0, 6).replace("|", "\\|") for _ in range(columns)])
    edges = rng.random() < 0.7
    return "\n".join(f"| {' | '.join(row)} |" if edges else " | ".join(row) for row in rows)


def _python(issue: Issue) -> str:
    name = issue.rng.choice(ENGLISH).strip("().,'$£€%×0123456789") or "fold"
    return issue.rng.choice(
        (
            f"def {name}(paper, times={issue.rng.randint(1, 9)}):\n    return paper * times",
            f"for line in open({name!r}):\n    print(line.rstrip())",
            f"{name} = {{'size': {issue.rng.randint(1, 99)}, 'tags': [{name!r}]}}",
            f"import pathlib\nsize = pathlib.Path({name!r}).stat().st_size  # bytes",
        )
    )


def _javascript(issue: Issue) -> str:
    name = f"fold{issue.rng.randint(1, 99)}"
    return issue.rng.choice(
        (
            f"const {name} = (paper) => paper.map((p) => p * 2);",
            f"document.querySelector('#{name}').addEventListener('click', () => {{\n"
            f"  console.log(`clicked ${{Date.now()}}`);\n}});",
            f"export async function {name}(url) {{\n  const r = await fetch(url);\n"
            "  return r.json();\n}",
        )
    )


def _shell(issue: Issue) -> str:
    return issue.rng.choice(
        (
            f"$ pip install hearth=={issue.rng.randint(1, 9)}.0\n$ invoke build",
            'for f in *.md; do wc -w "$f"; done | sort -n | tail -3',
            f"curl -s https://api.example.com/v{issue.rng.randint(1, 3)}/items | jq '.[0]'",
        )
    )


def _css(issue: Issue) -> str:
    size = issue.rng.randint(12, 24)
    return f"body {{\n  font: {size}px/1.5 'Inter', sans-serif;\n  color: #{size}3a4b;\n}}"


def _json(issue: Issue) -> str:
    return f'{{"issue": {issue.number}, "tags": ["zines", "type"], "draft": false}}'


def _html(issue: Issue) -> str:
    return f'<figure>\n  <img src="/{issue.number}.png" alt="{issue.words(2, 4)}">\n</figure>'


def _sql(issue: Issue) -> str:
    return (
        f"SELECT title, COUNT(*) FROM links\nWHERE year = {2000 + issue.number % 25}\nGROUP BY 1;"
    )


def _rust(issue: Issue) -> str:
    return f'fn main() {{\n    let n: u32 = {issue.number};\n    println!("{{}}", n * 2);\n}}'


def _yaml(issue: Issue) -> str:
    return f"handle: member{issue.number}\nlinks:\n  - url: https://example.com/{issue.number}"


CODE = {
    "python": _python,
    "py": _python,
    "javascript": _javascript,
    "js": _javascript,
    "bash": _shell,
    "console": _shell,
    "css": _css,
    "json": _json,
    "html": _html,
    "sql": _sql,
    "rust": _rust,
    "yaml": _yaml,
    "": _shell,
}


def code_block(issue: Issue) -> str:
    rng = issue.rng
    language = rng.choice(tuple(CODE))
    code = "\n".join(CODE[language](issue) for _ in range(rng.randint(1, 3)))
    if rng.random() < 0.15:  # indented, as older issues wrote code
        return "\n".join(f"    {line}" for line in code.splitlines())
    fence = rng.choice(("```", "```", "~~~"))
    options = f' hl_lines="{rng.randint(1, 2)}"' if language and rng.random() < 0.1 else ""
    return f"{fence}{language}{options}\n{code}\n{fence}"


def heading(issue: Issue, level: int) -> str:
    title = _text(issue, 1, 7).capitalize()
    roll = issue.rng.random()
    if roll < 0.3:
        return f"{'#' * level} {title} {{#{issue.next_id()}}}"
    if roll < 0.35 and level == 2:
        return f"{title}\n{'-' * issue.rng.randint(3, len(title) + 3)}"
    closing = f" {'#' * level}" if roll > 0.95 else ""
    return f"{'#' * level} {title}{closing}"


def quote(issue: Issue) -> str:
    parts = [_wrapped(issue, _sentence(issue, 10, 50))]
    if issue.rng.random() < 0.3:
        parts.append(f"— {issue.words(1, 3).title()}, *{issue.words(1, 4)}*")
    if issue.rng.random() < 0.15:
        parts.append("\n".join(f"- {_text(issue, 2, 8)}" for _ in range(issue.rng.randint(2, 4))))
    quoted = "\n\n".join(parts)
    return "\n".join(f"> {line}" if line else ">" for line in quoted.splitlines())


def definitions(issue: Issue) -> str:
    terms = []
    for _ in range(issue.rng.randint(1, 4)):
        answers = "\n".join(f":   {_text(issue, 3, 20)}" for _ in range(issue.rng.randint(1, 2)))
        terms.append(f"{issue.words(1, 3).capitalize()}\n{answers}")
    return "\n\n".join(terms)


def html_block(issue: Issue) -> str:
    rng = issue.rng
    kind = rng.randrange(3)
    if kind == 0:
        return f'<div class="callout" markdown="1">\n{paragraph(issue)}\n</div>'
    if kind == 1:
        summary = f"<summary>{issue.words(2, 5)}</summary>"
        return f'<details markdown="1">\n{summary}\n\n{bullet_list(issue)}\n\n</details>'
    alt = issue.words(2, 6)
    return (
        f'<figure>\n  <img src="/images/{issue.number}/{rng.randint(1, 999)}.jpg" '
        f'alt="{alt}" width="{rng.randint(200, 800)}">\n'
        f"  <figcaption>{issue.words(3, 10)}</figcaption>\n</figure>"
    )


def image(issue: Issue) -> str:
    # The site's own: Hearth refuses an image another host would serve (no third parties).
    address = f"/images/{issue.number}/{issue.rng.randint(1, 999)}.png"
    return f"![{issue.words(1, 5)}]({address})"


# Blocks by how often they come: paragraphs and lists of links above all.
BLOCKS: tuple[tuple[float, Callable[[Issue], str]], ...] = (
    (0.33, paragraph),
    (0.30, bullet_list),
    (0.05, table),
    (0.05, code_block),
    (0.06, lambda issue: heading(issue, issue.rng.choice((3, 3, 4)))),
    (0.07, quote),
    (0.03, definitions),
    (0.03, html_block),
    (0.02, image),
    (0.02, lambda issue: issue.rng.choice(("---", "* * *", "___", "- - -"))),
)


def block(issue: Issue) -> str:
    roll = issue.rng.random() * sum(share for share, _ in BLOCKS)
    for share, make in BLOCKS:
        if roll < share:
            return make(issue)
        roll -= share
    return paragraph(issue)


def closing(issue: Issue) -> str:
    """What goes at the end of a document: reference definitions, footnotes, abbreviations."""
    lines = []
    for label, url in issue.references.items():
        title = f' "{issue.words(1, 3)}"' if issue.rng.random() < 0.2 else ""
        lines.append(f"[{label}]: {url}{title}")
    notes = [f"[^{index}]: {text}" for index, text in enumerate(issue.footnotes, 1)]
    abbreviations = [f"*[{short}]: {long}" for short, long in ABBREVIATIONS.items()]
    return "\n\n".join(
        part for part in ("\n".join(lines), "\n".join(notes), "\n".join(abbreviations)) if part
    )


def body(rng: random.Random, number: int, size: int) -> str:
    """An issue's body of about ``size`` bytes of UTF-8, its closing definitions included."""
    issue = Issue(rng, number)
    parts = [_wrapped(issue, " ".join(_sentence(issue, 10, 40) for _ in range(rng.randint(1, 3))))]
    if rng.random() < 0.1:
        parts.append("[TOC]")
    length = len(parts[0].encode())
    while length + issue.closing_size() < size:
        # A section: a heading, then a few blocks; sections of every length.
        parts.append(heading(issue, 2))
        for _ in range(rng.randint(2, 9)):
            parts.append(block(issue))
            length += len(parts[-1].encode()) + 2
            if length + issue.closing_size() >= size:
                break
    parts.append(closing(issue))
    return "\n\n".join(parts) + "\n"
