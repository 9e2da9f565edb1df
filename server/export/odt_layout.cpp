// The ODT's uitvoeringsplan laid out as the PDF lays it out (data/export/print.css): on landscape
// pages, its tables with thin cell borders and a shaded header row that repeats on every page.
// pandoc writes every ODT table cell with an automatic style of its own that has no border, and a
// reference document changes only styles.xml; LibreOffice applies no common (styles.xml) cell
// style to a table in the text. So a Lua filter writes these tables itself, naming automatic cell
// styles that Samen's template of content.xml holds; the landscape pages are the master page
// "Landscape" of the reference document (LibreOffice's own page style of that name when the
// reference has none). Written into the render's work folder, never read from the source tree.
#include "export/odt_layout.hpp"

namespace samen::exporting {

std::string_view odt_filter() {
    return R"lua(-- Samen's ODT layout of the uitvoeringsplan (server/export/odt_layout.cpp says why).
-- A section of class "uitvoeringsplan" starts on the master page "Landscape" (an empty paragraph
-- of the automatic style Samen_Landscape before it) and what follows it returns to the portrait
-- master page "Standard" (Samen_Portrait); its tables become ODT tables whose cells have the
-- automatic styles Samen_HeaderCell and Samen_Cell (borders), with the caption before them, the
-- header rows repeated on every page, no row split over two pages (Samen_Row) and the text in
-- Table_20_Heading / Table_20_Contents.
-- The plan's sections are the document's top-level blocks; its tables have no spanned cells.

local function escape(text)
  return (text:gsub('[&<>"]', {['&'] = '&amp;', ['<'] = '&lt;', ['>'] = '&gt;', ['"'] = '&quot;'}))
end

local inlines_xml

local function inline_xml(el)
  if el.t == 'Str' then return escape(el.text) end
  if el.t == 'Space' or el.t == 'SoftBreak' then return ' ' end
  if el.t == 'LineBreak' then return '<text:line-break/>' end
  if el.t == 'Strong' then
    return '<text:span text:style-name="Strong_20_Emphasis">' .. inlines_xml(el.content) .. '</text:span>'
  end
  if el.t == 'Emph' then
    return '<text:span text:style-name="Emphasis">' .. inlines_xml(el.content) .. '</text:span>'
  end
  return escape(pandoc.utils.stringify(el))
end

inlines_xml = function(inlines)
  local out = {}
  for _, el in ipairs(inlines) do out[#out + 1] = inline_xml(el) end
  return table.concat(out)
end

local function cell_xml(cell, cell_style, paragraph_style)
  local out = {'<table:table-cell table:style-name="' .. cell_style .. '" office:value-type="string">'}
  local blocks = cell.contents
  if #blocks == 0 then blocks = {pandoc.Plain({})} end
  for _, b in ipairs(blocks) do
    local text = (b.t == 'Plain' or b.t == 'Para') and inlines_xml(b.content)
      or escape(pandoc.utils.stringify(b))
    out[#out + 1] = '<text:p text:style-name="' .. paragraph_style .. '">' .. text .. '</text:p>'
  end
  out[#out + 1] = '</table:table-cell>'
  return table.concat(out)
end

local function rows_xml(rows, cell_style, paragraph_style)
  local out = {}
  for _, row in ipairs(rows) do
    out[#out + 1] = '<table:table-row table:style-name="Samen_Row">'
    for _, c in ipairs(row.cells) do out[#out + 1] = cell_xml(c, cell_style, paragraph_style) end
    out[#out + 1] = '</table:table-row>\n'
  end
  return table.concat(out)
end

local tables = 0

local function table_xml(t)
  tables = tables + 1
  local out = {}
  local caption = pandoc.utils.stringify(t.caption.long)
  if caption ~= '' then
    out[#out + 1] = '<text:p text:style-name="TableCaption">' .. escape(caption) .. '</text:p>\n'
  end
  out[#out + 1] = '<table:table table:name="Uitvoeringsplan' .. tables .. '">\n'
  out[#out + 1] = '<table:table-column table:number-columns-repeated="' .. #t.colspecs .. '"/>\n'
  if #t.head.rows > 0 then
    out[#out + 1] = '<table:table-header-rows>\n'
    out[#out + 1] = rows_xml(t.head.rows, 'Samen_HeaderCell', 'Table_20_Heading')
    out[#out + 1] = '</table:table-header-rows>\n'
  end
  for _, body in ipairs(t.bodies) do
    out[#out + 1] = rows_xml(body.head, 'Samen_HeaderCell', 'Table_20_Heading')
    out[#out + 1] = rows_xml(body.body, 'Samen_Cell', 'Table_20_Contents')
  end
  out[#out + 1] = rows_xml(t.foot.rows, 'Samen_Cell', 'Table_20_Contents')
  out[#out + 1] = '</table:table>'
  return pandoc.RawBlock('opendocument', table.concat(out))
end

local function is_plan(block)
  return block.t == 'Div' and block.classes:includes('uitvoeringsplan')
end

local function page_break(style)
  return pandoc.RawBlock('opendocument', '<text:p text:style-name="' .. style .. '"/>')
end

function Pandoc(doc)
  if FORMAT ~= 'odt' then return nil end
  local blocks = pandoc.List()
  for i, b in ipairs(doc.blocks) do
    if is_plan(b) then
      if i == 1 or not is_plan(doc.blocks[i - 1]) then blocks:insert(page_break('Samen_Landscape')) end
      blocks:insert(pandoc.walk_block(b, {Table = table_xml}))
      -- Nothing after the last page: no empty portrait page either.
      if i < #doc.blocks and not is_plan(doc.blocks[i + 1]) then
        blocks:insert(page_break('Samen_Portrait'))
      end
    else
      blocks:insert(b)
    end
  end
  doc.blocks = blocks
  return doc
end
)lua";
}

std::string_view odt_content_template() {
    // pandoc 2.17's default.opendocument without the contents (Samen writes the ODT's own,
    // odt_contents), with Samen's automatic styles after pandoc's.
    return R"xml(<?xml version="1.0" encoding="utf-8" ?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:chart="urn:oasis:names:tc:opendocument:xmlns:chart:1.0" xmlns:dr3d="urn:oasis:names:tc:opendocument:xmlns:dr3d:1.0" xmlns:math="http://www.w3.org/1998/Math/MathML" xmlns:form="urn:oasis:names:tc:opendocument:xmlns:form:1.0" xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" xmlns:ooo="http://openoffice.org/2004/office" xmlns:ooow="http://openoffice.org/2004/writer" xmlns:oooc="http://openoffice.org/2004/calc" xmlns:dom="http://www.w3.org/2001/xml-events" xmlns:xforms="http://www.w3.org/2002/xforms" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" office:version="1.2">
  <office:font-face-decls>
    <style:font-face style:name="Courier New" style:font-family-generic="modern" style:font-pitch="fixed" svg:font-family="'Courier New'" />
  </office:font-face-decls>
  <office:automatic-styles>
    $automatic-styles$
    <style:style style:name="Samen_Landscape" style:family="paragraph" style:parent-style-name="Standard" style:master-page-name="Landscape">
      <style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0cm" />
      <style:text-properties fo:font-size="2pt" />
    </style:style>
    <style:style style:name="Samen_Portrait" style:family="paragraph" style:parent-style-name="Standard" style:master-page-name="Standard">
      <style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0cm" />
      <style:text-properties fo:font-size="2pt" />
    </style:style>
    <style:style style:name="Samen_Row" style:family="table-row">
      <style:table-row-properties fo:keep-together="always" />
    </style:style>
    <style:style style:name="Samen_HeaderCell" style:family="table-cell">
      <style:table-cell-properties fo:border="0.5pt solid #555555" fo:padding="0.06cm" fo:background-color="#e8e8e8" />
    </style:style>
    <style:style style:name="Samen_Cell" style:family="table-cell">
      <style:table-cell-properties fo:border="0.5pt solid #555555" fo:padding="0.06cm" />
    </style:style>
  </office:automatic-styles>
$for(header-includes)$
  $header-includes$
$endfor$
<office:body>
<office:text>
$if(title)$
<text:p text:style-name="Title">$title$</text:p>
$endif$
$if(subtitle)$
<text:p text:style-name="Subtitle">$subtitle$</text:p>
$endif$
$for(author)$
<text:p text:style-name="Author">$author$</text:p>
$endfor$
$if(date)$
<text:p text:style-name="Date">$date$</text:p>
$endif$
$if(abstract)$
$abstract$
$endif$
$for(include-before)$
$include-before$
$endfor$
$body$
$for(include-after)$
$include-after$
$endfor$
</office:text>
</office:body>
</office:document-content>
)xml";
}

}  // namespace samen::exporting
