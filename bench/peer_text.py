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
