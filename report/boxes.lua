-- The "not run yet" notice of a missing experiment (a Div with class
-- `missing`) becomes a framed box in LaTeX and a bordered block in HTML, so a
-- reader cannot mistake it for a result.

function Div(div)
  if not div.classes:includes("missing") then
    return nil
  end
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
