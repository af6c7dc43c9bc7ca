-- Layout for two Div classes that the rendered Markdown uses:
--
-- * `missing`: the "not run yet" notice of a missing experiment becomes a
--   framed box in LaTeX and a bordered block in HTML, so a reader cannot
--   mistake it for a result;
-- * `small`: a table too wide for the page at body size is set smaller.

local function missing(div)
  if FORMAT:match("latex") then
    return {
      pandoc.RawBlock("latex", "\\par\\noindent\\fbox{\\parbox{\\dimexpr\\linewidth-2\\fboxsep-2\\fboxrule\\relax}{"),
      div,
      pandoc.RawBlock("latex", "}}\\par"),
    }
  elseif FORMAT:match("html") then
    div.attributes.style = "border: 1px solid #b00; padding: 0.4em 0.8em; margin: 1em 0;"
    return div
  end
end

local function small(div)
  if FORMAT:match("latex") then
    return { pandoc.RawBlock("latex", "\\begingroup\\footnotesize"), div, pandoc.RawBlock("latex", "\\endgroup") }
  elseif FORMAT:match("typst") then
    -- A content block scopes the smaller size (LaTeX's \footnotesize is 9 of 11 pt) to the table.
    return { pandoc.RawBlock("typst", "#[\n#set text(size: 0.82em)"), div, pandoc.RawBlock("typst", "]") }
  elseif FORMAT:match("html") then
    div.attributes.style = "font-size: 85%;"
    return div
  end
end

function Div(div)
  if div.classes:includes("missing") then
    return missing(div)
  elseif div.classes:includes("small") then
    return small(div)
  end
end
