#!/usr/bin/env python3
"""Reads back what the export's reports wrote, for tests/toolkit/reports_test.cc.

  read_office.py docx FILE   -> JSON {toc, headings: [[style, text]], text}
  read_office.py xlsx FILE   -> JSON {sheets: [name], cells: {sheet: [[value, ...]]}}
  read_office.py raw FILE    -> every XML part of the zip, concatenated (for leak checks)
"""
import json
import sys
import zipfile


def read_docx(path):
    import docx
    document = docx.Document(path)
    xml = document.element.xml
    headings = []
    texts = []
    for p in document.paragraphs:
        if p.style is not None and p.style.name.startswith("Heading"):
            headings.append([p.style.name, p.text])
        texts.append(p.text)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts.append(cell.text)
    return {"toc": "TOC \\o" in xml or 'w:instr="TOC' in xml,
            "headings": headings, "text": "\n".join(texts)}


def read_xlsx(path):
    import openpyxl
    book = openpyxl.load_workbook(path)
    cells = {}
    for sheet in book.worksheets:
        cells[sheet.title] = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    return {"sheets": book.sheetnames, "cells": cells}


def read_raw(path):
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "docx":
        print(json.dumps(read_docx(path), ensure_ascii=False))
    elif kind == "xlsx":
        print(json.dumps(read_xlsx(path), ensure_ascii=False, default=str))
    elif kind == "raw":
        sys.stdout.write(read_raw(path))
    else:
        sys.exit("unknown kind " + kind)


if __name__ == "__main__":
    main()
