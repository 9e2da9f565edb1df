#!/usr/bin/env bash
# Makes data/export/reference.odt and reference.docx, the neutral house style of the plan's
# exports, from pandoc's own reference documents: A4 with 2.5 cm margins, a sans-serif font, Dutch
# as the language and its hyphenation, page numbers in the footer, and the title page on a page of
# its own (a page break after the Date paragraph, the last of pandoc's title block), and in the ODT
# a landscape A4 master page for the uitvoeringsplan. Run it again after a pandoc upgrade; a
# municipality replaces the files with its own instead (data/export/README.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/data/export"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

pandoc --print-default-data-file reference.odt > "$work/reference.odt"
pandoc --print-default-data-file reference.docx > "$work/reference.docx"
mkdir "$work/odt" "$work/docx"
(cd "$work/odt" && unzip -q ../reference.odt)
(cd "$work/docx" && unzip -q ../reference.docx)

python3 - "$work" <<'PY'
import re, sys
work = sys.argv[1]

def edit(path, fn):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    changed = fn(text)
    assert changed != text, path
    with open(path, "w", encoding="utf-8") as f:
        f.write(changed)

def odt_styles(s):
    s = s.replace('<office:font-face-decls>',
                  '<office:font-face-decls><style:font-face style:name="Sans" '
                  'svg:font-family="\'DejaVu Sans\', Arial" style:font-family-generic="swiss" '
                  'style:font-pitch="variable" />', 1)
    s = s.replace('style:font-name="Times New Roman"', 'style:font-name="Sans"')
    s = s.replace('style:font-name="Arial"', 'style:font-name="Sans"')
    s = s.replace('fo:font-size="12pt"', 'fo:font-size="10.5pt"')
    s = s.replace('fo:language="en" fo:country="US"', 'fo:language="nl" fo:country="NL"')
    # Long Dutch compounds break at their syllables (in the office suite's Dutch patterns).
    s = s.replace('style:country-complex="none" fo:hyphenate="false"',
                  'style:country-complex="none" fo:hyphenate="true"', 1)
    s = s.replace('fo:page-width="8.5in"\n      fo:page-height="11in"',
                  'fo:page-width="21cm"\n      fo:page-height="29.7cm"')
    s = re.sub(r'fo:margin-(top|bottom|left|right)="1in"', r'fo:margin-\1="2.5cm"', s)
    s = s.replace('<style:style style:name="Date" style:family="paragraph"\n'
                  '      style:parent-style-name="Standard" style:class="html">\n'
                  '        <style:paragraph-properties fo:text-align="center" />',
                  '<style:style style:name="Date" style:family="paragraph"\n'
                  '      style:parent-style-name="Standard" style:class="html">\n'
                  '        <style:paragraph-properties fo:text-align="center" '
                  'fo:break-after="page" />')
    # The uitvoeringsplan has eight columns: its cells in a smaller size.
    s = s.replace('<style:style style:name="Table_20_Contents"\n'
                  '    style:display-name="Table Contents" style:family="paragraph"\n'
                  '    style:parent-style-name="Standard" style:class="extra">',
                  '<style:style style:name="Table_20_Contents"\n'
                  '    style:display-name="Table Contents" style:family="paragraph"\n'
                  '    style:parent-style-name="Standard" style:class="extra">\n'
                  '      <style:text-properties fo:font-size="7.5pt" />')
    # The uitvoeringsplan's pages (the ODT filter puts it on this master page, export/odt_layout.cpp):
    # A4 landscape, its page numbers as on the portrait pages. LibreOffice knows the name as its
    # own page style "Landscape" ("Liggend").
    s = s.replace('  </office:automatic-styles>',
                  '    <style:page-layout style:name="MpmLandscape">\n'
                  '      <style:page-layout-properties fo:page-width="29.7cm"\n'
                  '      fo:page-height="21cm" style:num-format="1"\n'
                  '      style:print-orientation="landscape" fo:margin-top="2.5cm"\n'
                  '      fo:margin-bottom="2.5cm" fo:margin-left="2.5cm"\n'
                  '      fo:margin-right="2.5cm" style:writing-mode="lr-tb"\n'
                  '      style:footnote-max-height="0in" />\n'
                  '      <style:header-style />\n'
                  '      <style:footer-style>\n'
                  '        <style:header-footer-properties fo:min-height="0.4in"\n'
                  '        fo:margin-left="0in" fo:margin-right="0in"\n'
                  '        fo:margin-top="0.2in" style:dynamic-spacing="false" />\n'
                  '      </style:footer-style>\n'
                  '    </style:page-layout>\n'
                  '  </office:automatic-styles>', 1)
    s = s.replace('  </office:master-styles>',
                  '    <style:master-page style:name="Landscape"\n'
                  '    style:page-layout-name="MpmLandscape">\n'
                  '      <style:footer>\n'
                  '        <text:p text:style-name="MP1">\n'
                  '          <text:page-number text:select-page="current">\n'
                  '          1</text:page-number>\n'
                  '        </text:p>\n'
                  '      </style:footer>\n'
                  '    </style:master-page>\n'
                  '  </office:master-styles>', 1)
    return s

edit(f"{work}/odt/styles.xml", odt_styles)

def docx_styles(s):
    s = s.replace('<w:rFonts w:asciiTheme="minorHAnsi" w:eastAsiaTheme="minorHAnsi" '
                  'w:hAnsiTheme="minorHAnsi" w:cstheme="minorBidi" />',
                  '<w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="Arial" w:cs="Arial" />', 1)
    s = s.replace('<w:sz w:val="24" />\n        <w:szCs w:val="24" />',
                  '<w:sz w:val="21" />\n        <w:szCs w:val="21" />', 1)
    s = s.replace('<w:lang w:val="en-US" w:eastAsia="en-US" w:bidi="ar-SA" />',
                  '<w:lang w:val="nl-NL" w:eastAsia="nl-NL" w:bidi="ar-SA" />', 1)
    s = s.replace('w:asciiTheme="majorHAnsi" w:eastAsiaTheme="majorEastAsia" '
                  'w:hAnsiTheme="majorHAnsi" w:cstheme="majorBidi"',
                  'w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="Arial" w:cs="Arial"')
    s = s.replace('<w:style w:type="paragraph" w:styleId="TOCHeading">\n'
                  '    <w:name w:val="TOC Heading" />\n'
                  '    <w:basedOn w:val="Heading1" />\n'
                  '    <w:next w:val="BodyText" />\n'
                  '    <w:uiPriority w:val="39" />\n'
                  '    <w:unhideWhenUsed />\n'
                  '    <w:qFormat />\n'
                  '    <w:pPr>',
                  '<w:style w:type="paragraph" w:styleId="TOCHeading">\n'
                  '    <w:name w:val="TOC Heading" />\n'
                  '    <w:basedOn w:val="Heading1" />\n'
                  '    <w:next w:val="BodyText" />\n'
                  '    <w:uiPriority w:val="39" />\n'
                  '    <w:unhideWhenUsed />\n'
                  '    <w:qFormat />\n'
                  '    <w:pPr>\n      <w:pageBreakBefore />')
    # The uitvoeringsplan has eight columns: its cells in a smaller size.
    s = s.replace('<w:style w:type="table" w:default="1" w:styleId="Table">\n'
                  '    <w:name w:val="Table" />\n'
                  '    <w:basedOn w:val="TableNormal" />',
                  '<w:style w:type="table" w:default="1" w:styleId="Table">\n'
                  '    <w:name w:val="Table" />\n'
                  '    <w:basedOn w:val="TableNormal" />\n'
                  '    <w:rPr><w:sz w:val="15" /><w:szCs w:val="15" /></w:rPr>')
    return s

edit(f"{work}/docx/word/styles.xml", docx_styles)
# Long Dutch compounds break at their syllables (Word's automatic hyphenation, in the text's
# language: nl-NL).
edit(f"{work}/docx/word/settings.xml", lambda s: s.replace(
    '<w:defaultTabStop w:val="720" />',
    '<w:defaultTabStop w:val="720" />\n  <w:autoHyphenation />', 1))

footer = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
          '<w:p><w:pPr><w:pStyle w:val="Footer" /><w:jc w:val="center" /></w:pPr>'
          '<w:r><w:fldChar w:fldCharType="begin" /></w:r>'
          '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
          '<w:r><w:fldChar w:fldCharType="separate" /></w:r>'
          '<w:r><w:t>1</w:t></w:r>'
          '<w:r><w:fldChar w:fldCharType="end" /></w:r></w:p></w:ftr>\n')
with open(f"{work}/docx/word/footer1.xml", "w", encoding="utf-8") as f:
    f.write(footer)
edit(f"{work}/docx/word/_rels/document.xml.rels", lambda s: s.replace(
    '</Relationships>',
    '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" '
    'Id="rIdSamenFooter" Target="footer1.xml" /></Relationships>'))
edit(f"{work}/docx/[Content_Types].xml", lambda s: s.replace(
    '</Types>',
    '<Override PartName="/word/footer1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml" />'
    '</Types>'))
edit(f"{work}/docx/word/document.xml", lambda s: s.replace(
    '<w:sectPr />',
    '<w:sectPr xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<w:footerReference w:type="default" r:id="rIdSamenFooter" />'
    '<w:pgSz w:w="11906" w:h="16838" />'
    '<w:pgMar w:top="1417" w:right="1417" w:bottom="1417" w:left="1417" w:header="708" '
    'w:footer="708" w:gutter="0" /></w:sectPr>'))
PY

# An ODT starts with its mimetype, stored uncompressed.
rm -f "$out/reference.odt" "$out/reference.docx"
(cd "$work/odt" && zip -q -X -0 "$out/reference.odt" mimetype && zip -q -X -r "$out/reference.odt" . -x mimetype)
(cd "$work/docx" && zip -q -X -r "$out/reference.docx" .)
echo "wrote $out/reference.odt and $out/reference.docx"
