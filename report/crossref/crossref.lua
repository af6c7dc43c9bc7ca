--[[
crossref.lua - pandoc-crossref syntax as a Lua filter: numbers figures
(`{#fig:x}`), tables (`: Caption {#tbl:x}`), sections (`{#sec:x}`) and
equations (`$$ ... $$ {#eq:x}`), and turns `@fig:x`, `[@fig:a; @fig:b]`,
`@Fig:x`, `[-@fig:x]` into links. Other citations are left for citeproc,
so run it before --citeproc. See README.md.

Two passes, both in document order: (1) number and decorate the targets,
(2) resolve references. Unknown labels are reported together in one
error naming the template (`::: {.chapter source="..."}` Div) of each.
]]

if PANDOC_VERSION < {3, 0} then
  error('crossref.lua requires pandoc 3.0 or newer (Figure blocks), got '
        .. tostring(PANDOC_VERSION))
end

local stringify = pandoc.utils.stringify
local NBSP = '\u{a0}'
local KINDS = {'fig', 'tbl', 'sec', 'eq'}
-- LaTeX numbers figures, tables and equations itself; we must not prefix
-- captions there, only make sure the \label exists.
local is_latex = FORMAT:match 'latex' ~= nil or FORMAT:match 'beamer' ~= nil
-- Typst numbers figures and tables itself too (equations and lists are ours).
local engine_numbers_captions = is_latex or FORMAT == 'typst'

------------------------------------------------------------------------
-- Options (document metadata), with pandoc-crossref's defaults
------------------------------------------------------------------------

local opts = {
  figPrefix = {'fig.', 'figs.'}, tblPrefix = {'tbl.', 'tbls.'},
  secPrefix = {'sec.', 'secs.'}, eqnPrefix = {'eq.', 'eqns.'},
  figureTitle = 'Figure', tableTitle = 'Table', titleDelim = ':',
  lofTitle = 'List of Figures', lotTitle = 'List of Tables',
  rangeDelim = '–', lof = false, lot = false,
}
local PREFIX_KEY = {fig = 'figPrefix', tbl = 'tblPrefix',
                    sec = 'secPrefix', eq = 'eqnPrefix'}

-- A prefix may be a string (used for singular and plural) or a list
-- [singular, plural].
local function read_prefix(value)
  if pandoc.utils.type(value) == 'List' then
    local sing = stringify(value[1] or '')
    return {sing, value[2] and stringify(value[2]) or sing}
  end
  local s = stringify(value)
  return {s, s}
end

local function read_options(meta)
  for key, default in pairs(opts) do
    local value = meta[key]
    if value ~= nil then
      if type(default) == 'table' then opts[key] = read_prefix(value)
      elseif type(default) == 'boolean' then opts[key] = value == true
      else opts[key] = stringify(value) end
    end
  end
end

------------------------------------------------------------------------
-- State
------------------------------------------------------------------------

local counters = {fig = 0, tbl = 0, eq = 0}
local section_counters = {}    -- per header level, like --number-sections
local targets = {}             -- id -> {kind=, number=, order=}
local not_numbered = {}        -- id -> why a reference to it cannot work
local problems = pandoc.List() -- error lines, reported all at once
local function problem(msg)
  if not problems:includes(msg) then problems:insert(msg) end
end
local listed = {fig = pandoc.List(), tbl = pandoc.List()} -- for lof/lot

-- `@Fig:x` refers to fig:x (the capital only capitalises the prefix).
local function label_of(citation_id)
  return citation_id:sub(1, 1):lower() .. citation_id:sub(2)
end

local function kind_of(id)
  for _, kind in ipairs(KINDS) do
    if id:sub(1, #kind + 1) == kind .. ':' then return kind end
  end
  return nil
end

local function register(id, kind, number, source)
  if id == '' or kind_of(id) ~= kind then return end
  if targets[id] then
    problem(('duplicate label %s (in %s and %s)')
            :format(id, targets[id].source, source))
  end
  targets[id] = {kind = kind, number = number, order = counters[kind],
                 source = source}
end

-- Visit the blocks in document order, calling fn(blocks, source) on each
-- block that is not a Div (wrapped in a list, so that the filter functions
-- see the block itself); Divs are entered, and a `source` attribute on one
-- tells which template its contents came from.
local function each_block(blocks, source, fn)
  local result = pandoc.Blocks{}
  for _, block in ipairs(blocks) do
    if block.t == 'Div' then
      block.content = each_block(block.content,
                                 block.attributes.source or source, fn)
      result:insert(block)
    else
      result:extend(fn(pandoc.Blocks{block}, source))
    end
  end
  return result
end

------------------------------------------------------------------------
-- Pass 1: number and decorate targets
------------------------------------------------------------------------

-- "Figure 3: " in front of a caption (not in LaTeX or Typst, which do it themselves).
local function prefix_caption(caption, title, number)
  if engine_numbers_captions then return caption end
  local lead = pandoc.Inlines{pandoc.Str(title .. NBSP .. number ..
                                         opts.titleDelim), pandoc.Space()}
  caption.long[1].content = lead .. caption.long[1].content
  return caption
end

-- Only captioned figures/tables are numbered: that is exactly when LaTeX
-- emits a \caption, so our numbers and LaTeX's agree.
local function number_float(el, kind, title, source)
  local id = el.identifier
  if #el.caption.long == 0 then
    if kind_of(id) == kind then not_numbered[id] = 'it has no caption' end
    return el
  end
  counters[kind] = counters[kind] + 1
  local n = tostring(counters[kind])
  register(id, kind, n, source)
  listed[kind]:insert{id = id, number = n, caption = stringify(el.caption.long)}
  el.caption = prefix_caption(el.caption, title, n)
  return el
end

-- Older pandoc leaves `: Caption {#tbl:x}` as literal caption text;
-- move such a trailing "{#tbl:x}" into the table's identifier.
local function table_label_from_caption(tbl)
  local last = tbl.caption.long[#tbl.caption.long]
  if not last or not last.content then return end
  local inlines = last.content
  local id = #inlines > 0 and inlines[#inlines].t == 'Str'
             and inlines[#inlines].text:match '^{#(tbl:[^}%s]+)}$'
  if id and tbl.identifier == '' then
    inlines:remove(#inlines)
    while #inlines > 0 and inlines[#inlines].t == 'Space' do
      inlines:remove(#inlines)
    end
    tbl.identifier = id
  end
end

-- Section numbers as pandoc's --number-sections computes them: bump this
-- level, forget deeper ones, missing upper levels count as 0 ("0.1").
local function number_header(h, source)
  if h.classes:includes 'unnumbered' then
    if kind_of(h.identifier) == 'sec' then
      not_numbered[h.identifier] = 'the section is unnumbered'
    end
    return
  end
  for level = #section_counters + 1, h.level - 1 do
    section_counters[level] = 0
  end
  section_counters[h.level] = (section_counters[h.level] or 0) + 1
  for level = #section_counters, h.level + 1, -1 do
    section_counters[level] = nil
  end
  register(h.identifier, 'sec', table.concat(section_counters, '.'), source)
end

-- `$$ math $$ {#eq:x}`: display math followed (maybe after a space) by a
-- "{#eq:x}" string in the same paragraph.
local function number_equations(inlines, source)
  local i = 1
  while i <= #inlines do
    local el = inlines[i]
    if el.t == 'Math' and el.mathtype == 'DisplayMath' then
      local gap = inlines[i + 1] and (inlines[i + 1].t == 'Space'
                                      or inlines[i + 1].t == 'SoftBreak')
      local label_at = gap and i + 2 or i + 1
      local str, id, rest = inlines[label_at], nil, nil
      if str and str.t == 'Str' then
        id, rest = str.text:match '^{#(eq:[^}%s]+)}(.*)$'
      end
      if id then
        counters.eq = counters.eq + 1
        local n = tostring(counters.eq)
        register(id, 'eq', n, source)
        local tagged
        if is_latex then
          tagged = pandoc.RawInline('latex', '\\begin{equation}' .. el.text
                   .. '\\label{' .. id .. '}\\end{equation}')
        else
          tagged = pandoc.Span({pandoc.Math('DisplayMath',
                     el.text .. '\\qquad(' .. n .. ')')}, {id = id})
        end
        for _ = i, label_at do inlines:remove(i) end
        inlines:insert(i, tagged)
        if rest ~= '' then inlines:insert(i + 1, pandoc.Str(rest)) end
      end
    end
    i = i + 1
  end
  return inlines
end

local function number_blocks(blocks, source)
  return blocks:walk{
    traverse = 'topdown',
    Header = function(h) number_header(h, source) end,
    Figure = function(fig)
      return number_float(fig, 'fig', opts.figureTitle, source)
    end,
    Table = function(tbl)
      table_label_from_caption(tbl)
      return number_float(tbl, 'tbl', opts.tableTitle, source)
    end,
    Inlines = function(inlines) return number_equations(inlines, source) end,
  }
end

------------------------------------------------------------------------
-- Pass 2: references
------------------------------------------------------------------------

-- "1, 3" or, for three or more consecutive targets, "1–3"; each number
-- links to its target.
local function number_list(refs)
  local out, i = pandoc.Inlines{}, 1
  while i <= #refs do
    local j = i
    while refs[j + 1] and refs[j + 1].order == refs[j].order + 1 do
      j = j + 1
    end
    if #out > 0 then out:extend{pandoc.Str ',', pandoc.Space()} end
    local function link(r) return pandoc.Link(r.number, '#' .. r.id) end
    if j - i >= 2 then
      out:extend{link(refs[i]), pandoc.Str(opts.rangeDelim), link(refs[j])}
      i = j + 1
    else
      out:insert(link(refs[i]))
      i = i + 1
    end
  end
  return out
end

-- One run of references of a single kind, e.g. [@fig:a; @fig:b].
local function render_run(run)
  local kind, first = run.kind, run.citations[1]
  local refs, seen = {}, {}
  for _, c in ipairs(run.citations) do
    local id = label_of(c.id)
    if not seen[id] then
      seen[id] = true
      local t = targets[id]
      table.insert(refs, {id = id, number = t.number,
                          order = kind == 'sec' and 0 or t.order})
    end
  end
  -- Figures etc. sort by number; sections stay in the order written.
  if kind ~= 'sec' then
    table.sort(refs, function(a, b) return a.order < b.order end)
  end
  local prefix = opts[PREFIX_KEY[kind]][#refs > 1 and 2 or 1]
  if first.id:match '^%u' then
    prefix = pandoc.text.upper(pandoc.text.sub(prefix, 1, 1))
             .. pandoc.text.sub(prefix, 2)
  end
  local out = pandoc.Inlines{}
  if #first.prefix > 0 then out:extend(first.prefix .. {pandoc.Space()}) end
  if first.mode == 'SuppressAuthor' or prefix == '' then
    out:extend(number_list(refs))
  elseif #refs == 1 then
    out:insert(pandoc.Link(prefix .. NBSP .. refs[1].number, '#' .. refs[1].id))
  else
    out:insert(pandoc.Str(prefix .. NBSP))
    out:extend(number_list(refs))
  end
  out:extend(run.citations[#run.citations].suffix)
  return out
end

-- Split a Cite into runs of consecutive citations of the same kind;
-- bibliography runs stay Cites, cross-reference runs become links.
local function resolve_cite(cite, source)
  local runs, bad = {}, false
  for _, c in ipairs(cite.citations) do
    local id = label_of(c.id)
    local kind = kind_of(id) or 'cite'
    if kind ~= 'cite' and not targets[id] then
      local why = not_numbered[id] and '; ' .. not_numbered[id] or ''
      problem(('unknown label %s (referenced in %s%s)'):format(c.id, source, why))
      bad = true
    end
    if #runs == 0 or runs[#runs].kind ~= kind then
      table.insert(runs, {kind = kind, citations = {}})
    end
    table.insert(runs[#runs].citations, c)
  end
  if bad then return nil end
  if #runs == 1 and runs[1].kind == 'cite' then return nil end -- untouched

  local out = pandoc.Inlines{}
  for _, run in ipairs(runs) do
    if #out > 0 then out:extend{pandoc.Str ',', pandoc.Space()} end
    if run.kind == 'cite' then
      local keys = {}
      for _, c in ipairs(run.citations) do table.insert(keys, '@' .. c.id) end
      out:insert(pandoc.Cite(
        '[' .. table.concat(keys, '; ') .. ']', run.citations))
    else
      out:extend(render_run(run))
    end
  end
  return out
end

------------------------------------------------------------------------
-- Lists of figures / tables
------------------------------------------------------------------------

local LISTS = {
  {kind = 'fig', flag = 'lof', title = 'lofTitle', item = 'figureTitle',
   id = 'list-of-figures', latex = '\\listoffigures'},
  {kind = 'tbl', flag = 'lot', title = 'lotTitle', item = 'tableTitle',
   id = 'list-of-tables', latex = '\\listoftables'},
}

local function lists(meta)
  local out = pandoc.Blocks{}
  for _, l in ipairs(LISTS) do
    if opts[l.flag] and is_latex then
      out:insert(pandoc.RawBlock('latex', l.latex))
    elseif opts[l.flag] then
      -- unnumbered, so it does not shift --number-sections
      out:insert(pandoc.Header(1, opts[l.title],
                               {id = l.id, class = 'unnumbered'}))
      local items = pandoc.List()
      for _, f in ipairs(listed[l.kind]) do
        local text = opts[l.item] .. NBSP .. f.number .. opts.titleDelim
                     .. ' ' .. f.caption
        items:insert{pandoc.Plain{f.id ~= '' and pandoc.Link(text, '#' .. f.id)
                                  or pandoc.Str(text)}}
      end
      out:insert(pandoc.BulletList(items))
    end
  end
  -- Pandoc's LaTeX template also honours lof/lot: drop them so the lists
  -- are not printed twice.
  if is_latex then meta.lof, meta.lot = nil, nil end
  return out
end

------------------------------------------------------------------------
-- Main
------------------------------------------------------------------------

local function crossref(doc)
  read_options(doc.meta)
  local blocks = each_block(doc.blocks, 'unknown source', number_blocks)
  blocks = each_block(blocks, 'unknown source', function(bs, source)
    return bs:walk{Cite = function(c) return resolve_cite(c, source) end}
  end)
  if #problems > 0 then
    error('crossref.lua: ' .. #problems .. ' cross-reference problem(s):\n  '
          .. table.concat(problems, '\n  '), 0)
  end
  doc.blocks = lists(doc.meta) .. blocks
  return doc
end

return {{Pandoc = crossref}}
