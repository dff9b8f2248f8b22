"""The searchable text of a corpus document as yuimaru indexes it, for the peer engines.

One definition, used by bench/bench.py (speed) and bench/relevance_peers.py (relevance), so that
every engine in either comparison searches the same words: the body, the tags and the labels
of the front-matter fields that core/schema.cc indexes as text (label_text = kIndexed), 離島 for
ritou: true, and the company ids (indexer/document_builder.cc). The title is returned apart:
each peer indexes it in its own title column or field.
"""
import yaml

# Front-matter keys whose values yuimaru indexes as text (core/schema.cc, label_text kIndexed).
# "phase" and "phases" are both readings of the 支援フェーズ field (the generated corpus writes
# the scalar one).
LABEL_KEYS = ["doc_type", "industry", "region", "employees", "phase", "phases", "issues",
              "bridge_to", "methods", "outcome", "visit_mode", "audience", "format"]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10× faster on 100k files


def split_front_matter(text):
    """(front matter as a dict, body) of a Markdown file's text; ({}, text) without one."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    return yaml.load(text[4:end], Loader=_Loader) or {}, text[end + 5:]


def as_list(v):
    if v is None:
        return []
    return [str(x) for x in v] if isinstance(v, list) else [str(v)]


def labels(meta):
    """The tags, metadata labels and company ids yuimaru indexes as text, in a list."""
    parts = as_list(meta.get("tags"))
    for key in LABEL_KEYS:
        parts += as_list(meta.get(key))
    if meta.get("ritou") is True:
        parts.append("離島")
    return parts + as_list(meta.get("company_id")) + as_list(meta.get("company_ids"))


def peer_text(meta, body):
    """The labels, then the body: what a peer indexes besides the title."""
    return " / ".join(labels(meta)) + "\n\n" + body


_FOLD_CHARS = {0x301C: "~", 0x2053: "~", 0x223C: "~",
               **{c: "-" for c in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2043, 0x2212,
                                   0xFE58, 0xFE63)}}


def _katakana(c):
    return "\u30a1" <= c <= "\u30fa" or c == "\u30fc"


def fold_document_like_yuimaru(text):
    """fold_like_yuimaru for a peer's documents: every fold but the ー at the end of a katakana
    word. yuimaru stores クロスカントリースキー as クロスカントリースキ yet still finds スキー in it
    (core::ContextVariants: a query's katakana word is also looked for as the folded end of a
    longer one), so a peer must keep the ー to find what yuimaru finds; a folded query
    (サーバー → サーバ) still finds the unfolded text (サーバー), as yuimaru does."""
    return fold_like_yuimaru(text, drop_final_long_vowel=False)


def fold_like_yuimaru(text, drop_final_long_vowel=True):
    """NFKC, then the context folds core/normalizer.cc (ApplyFolds) adds to it: wave dashes and
    minus variants; ー between digits as -; 3ヶ月 → 3か月; and the ー that ends a katakana word of
    three or more characters dropped (サーバー → サーバ, but スキー stays). A peer given this text
    and these queries answers with yuimaru's spellings; its own normalizer (Groonga's NFKC150)
    then only adds case folding. Mirrors the C++: change both together."""
    import unicodedata
    s = list(unicodedata.normalize("NFKC", text).translate(_FOLD_CHARS))
    n = len(s)
    orig = s[:]
    for i in range(1, n - 1):
        prev, nxt = orig[i - 1], orig[i + 1]
        if s[i] == "ー" and prev.isascii() and prev.isdigit() and nxt.isascii() and nxt.isdigit():
            s[i] = "-"
        elif s[i] in "ヶヵケカ" and ((prev.isascii() and prev.isdigit()) or prev in "一二三四五六七八九十百何数") \
                and nxt in "月所国年条":
            s[i] = "か"
    out, run = [], 0
    for i, c in enumerate(s):
        drop = drop_final_long_vowel and c == "ー" and run >= 3 and (i + 1 == n or not _katakana(s[i + 1]))
        run = run + 1 if _katakana(c) else 0
        if not drop:
            out.append(c)
    return "".join(out)
